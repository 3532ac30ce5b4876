"""People's services: loading source records (`records`), linkage runs and linking on arrival
(`linkage`), review decisions and thresholds (`review`), merging and unmerging by hand (`merging`) and
data-sharing agreements (`agreements`). Each change is decided here, audited and published in one
transaction."""
