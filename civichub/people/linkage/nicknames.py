"""English given names and the short forms people use for them, written for civichub.

Each group is one canonical name followed by the forms that stand for it. A form that can stand
for two names (Alex for Alexander or Alexandra, Sam for Samuel or Samantha) joins one group: the
sex comparison, not the name, tells those people apart.
"""

from __future__ import annotations

GROUPS: tuple[tuple[str, ...], ...] = (
    ("william", "bill", "billy", "will", "willie", "willy", "liam", "wills"),
    ("margaret", "peggy", "maggie", "meg", "megan", "madge", "marge", "margie", "greta", "rita"),
    ("robert", "bob", "bobby", "rob", "robbie", "bert", "robin"),
    ("richard", "dick", "rick", "ricky", "rich", "richie"),
    ("elizabeth", "liz", "lizzie", "beth", "betty", "bet", "bess", "bessie", "eliza", "libby", "elsie"),
    ("catherine", "kate", "katie", "cath", "cathy", "kathryn", "katherine", "kathleen", "kath", "kathy"),
    ("kathleen", "kitty", "kay", "kat"),
    ("james", "jim", "jimmy", "jamie", "jimmie"),
    ("john", "jack", "johnny", "jon", "jonny"),
    ("jonathan", "jonty", "nathan"),
    ("thomas", "tom", "tommy", "thom"),
    ("edward", "ed", "eddie", "ted", "teddy", "ned", "eddy"),
    ("anthony", "tony", "ant", "antony"),
    ("alexander", "alex", "alec", "alexandra", "sandy", "lex", "alexa", "xander"),
    ("andrew", "andy", "drew"),
    ("benjamin", "ben", "benny", "benji"),
    ("charles", "charlie", "chas", "chuck", "chaz"),
    ("christopher", "chris", "kit", "topher", "christine", "christina", "chrissie", "tina"),
    ("daniel", "dan", "danny"),
    ("david", "dave", "davy", "davey"),
    ("frederick", "fred", "freddie", "freddy", "fritz"),
    ("gregory", "greg"),
    ("harold", "harry", "hal"),
    ("henry", "hank", "hal"),
    ("joseph", "joe", "joey", "jo"),
    ("joanne", "joanna", "jo"),
    ("kenneth", "ken", "kenny"),
    ("lawrence", "laurence", "larry", "laurie"),
    ("leonard", "len", "lenny", "leo"),
    ("matthew", "matt", "matty"),
    ("michael", "mike", "mick", "mickey", "micky", "mikey"),
    ("nicholas", "nick", "nicky", "nico", "nicola", "nikki"),
    ("patrick", "pat", "paddy", "patricia", "patsy", "trish", "tricia"),
    ("peter", "pete"),
    ("philip", "phil", "phillip", "pip"),
    ("raymond", "ray"),
    ("ronald", "ron", "ronnie"),
    ("samuel", "sam", "sammy", "samantha"),
    ("stephen", "steve", "steven", "stevie"),
    ("timothy", "tim", "timmy"),
    ("terence", "terry", "terrence"),
    ("victoria", "vicky", "vicki", "tori"),
    ("walter", "walt", "wally"),
    ("albert", "al", "alf", "alfie", "bertie", "alfred"),
    ("arthur", "art", "artie"),
    ("abigail", "abby", "abbie", "gail"),
    ("alison", "ali", "allie", "allison"),
    ("amanda", "mandy", "manda"),
    ("angela", "angie"),
    ("barbara", "babs", "barb", "barbie"),
    ("caroline", "carol", "carrie", "carole", "lina"),
    ("deborah", "debbie", "deb", "debra", "debs"),
    ("dorothy", "dot", "dottie", "dolly", "dora"),
    ("eleanor", "ellie", "nell", "nellie", "ella", "elle", "nora", "helen", "ellen"),
    ("frances", "fran", "fanny", "francesca", "francis", "frank", "frankie"),
    ("jacqueline", "jackie", "jacqui"),
    ("jennifer", "jenny", "jen", "jenni", "jenna"),
    ("jessica", "jess", "jessie"),
    ("josephine", "josie", "jo"),
    ("judith", "judy", "jude"),
    ("louise", "lou", "lulu", "louisa", "louis"),
    ("mary", "molly", "polly", "mae", "mamie", "maria", "marie"),
    ("pamela", "pam"),
    ("rebecca", "becky", "becca", "bex"),
    ("rosemary", "rose", "rosie", "rosa"),
    ("sarah", "sally", "sadie", "sara"),
    ("susan", "sue", "susie", "suzy", "suzanne", "susannah"),
    ("teresa", "terri", "tess", "tessa", "theresa"),
    ("valerie", "val"),
    ("gwendolyn", "gwen", "wendy"),
    ("christian", "christy"),
    ("donald", "don", "donnie"),
    ("douglas", "doug", "dougie"),
    ("gerald", "gerry", "jerry"),
    ("geoffrey", "geoff", "jeff", "jeffrey"),
    ("graham", "gray"),
    ("ian", "iain"),
    ("jeremy", "jez", "jerry"),
    ("kimberley", "kim", "kimberly"),
    ("malcolm", "mal"),
    ("nathaniel", "nat", "nate"),
    ("oliver", "ollie", "olly", "olivia", "liv"),
    ("roger", "rodge"),
    ("ruth", "ruthie"),
    ("sophie", "sophia", "soph"),
    ("stuart", "stu", "stewart"),
    ("zachary", "zach", "zack"),
    ("mohammed", "mohammad", "muhammad", "mohamed", "mo"),
    ("shaun", "sean", "shawn"),
    ("hannah", "hanna", "anna", "ann", "anne", "annie", "nan", "nancy"),
    ("emily", "em", "emmy", "emma"),
    ("gillian", "gill", "jill", "jillian"),
    ("isabel", "isabella", "izzy", "bella", "isobel"),
    ("lucy", "lucinda", "lou"),
    ("norman", "norm"),
    ("reginald", "reg", "reggie"),
    ("sidney", "sid", "sydney"),
    ("stanley", "stan"),
    ("vincent", "vince", "vinnie"),
    ("wilfred", "wilf"),
    ("florence", "flo", "florrie", "flossie"),
    ("georgina", "georgie", "gina", "george"),
)


def _canonical_forms() -> dict[str, str]:
    forms: dict[str, str] = {}
    for group in GROUPS:
        canonical = group[0]
        for name in group:
            # A form in two groups keeps the first: the table lists the commoner meaning first.
            forms.setdefault(name, canonical)
    return forms


CANONICAL: dict[str, str] = _canonical_forms()


def canonical(first_name: str | None) -> str | None:
    """'Bill' -> 'william'; a name the table does not know is its own canonical form."""
    if not first_name:
        return None
    return CANONICAL.get(first_name, first_name)
