"""Commissioning's services, one module per part of the work: commissions and the procurement's stages
(`procurement`), sealed bids (`bidding`), scores and the award (`evaluation`), contracts after award
(`contracts`), and the one way a UK notice is published (`notices`). Each change is audited and
published in the transaction that makes it."""
