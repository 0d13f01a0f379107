"""The report's vocabulary as data: every word list the advisor matches questions against.

Archetype and block cues for briefs and instructions, query expansions, off-topic intents,
place adjectives, ordinals. Patterns are plain strings, matched case-insensitively by the
modules that use them; this module holds no logic.
"""

from __future__ import annotations

# Words that signal an archetype in a company description (matched case-insensitively).
ARCHETYPE_CUES: dict[str, tuple[str, ...]] = {
    "digital": (
        r"digital", r"platform", r"connect", r"software", r"subscri", r"pay[- ]per[- ]feature",
        r"cloud", r"online service", r"e-commerce", r"remote",
    ),
    "data-driven": (
        r"\bdata\b(?![- ]cent)", r"sensor", r"\bpool", r"monetis", r"monetiz", r"data[- ]shar",
        r"insight", r"benchmark", r"traceab",
    ),
    "ai-based": (
        r"\bAI\b", r"artificial intelligence", r"machine[- ]learning", r"machine[- ]vision",
        r"computer vision", r"(?<!business )(?<!business-)\bmodels?\b", r"neural", r"drift",
        r"algorithm", r"\bAPIs?\b",  # "trained models", not "our new business model"
    ),
    "mass-customisation": (
        r"customi[sz]", r"\bcustom\b", r"custom-", r"personali[sz]", r"configur",
        r"design their own", r"on demand",
        r"made[- ]to[- ]order", r"bespoke", r"tailor", r"lot size", r"individual",
        r"(build|built|made|make|produced?)\b[^.;]{0,25}\bto[- ]order", r"batch size (of )?one",
        r"\b(pick|choose|select) (their|its|the|own)\b",
    ),
    "servitised": (
        r"as[- ]a[- ]service", r"uptime", r"outcome", r"availability", r"pay[- ]per[- ]use",
        # paying for use or output: "pay per square metre cleaned", "billed by the hour"
        r"\b(pay|paid|paying|charg\w*|bill\w*|pric\w*|invoic\w*)[- ]+(them |customers |"
        r"clients )?(per|by the|for each|according to)\b(?![- ]feature)",
        r"\bper (part|piece|operating hour|cycle|shift|kwh|cubic)",
        r"maintenance", r"maintain", r"invoic", r"billed", r"service contract", r"operate",
        r"technician",
    ),
    "circular": (
        r"circular", r"take[- ]?back", r"remanufactur", r"refurbish", r"recycl", r"recover",
        r"reverse logistics", r"leas", r"reuse", r"second[- ]life", r"closed[- ]loop", r"waste",
    ),
}

# Words that tie a refinement instruction to a canvas block.
BLOCK_CUES: dict[str, tuple[str, ...]] = {
    "key_partners": (r"partner", r"supplier", r"alliance", r"ecosystem"),
    "key_activities": (r"activit", r"process", r"operation", r"production"),
    "key_resources": (r"resource", r"asset", r"skill", r"talent", r"hardware", r"infrastructure"),
    "value_propositions": (r"value", r"proposition", r"offer", r"benefit"),
    "customer_relationships": (r"relationship", r"loyal", r"support", r"community", r"retention"),
    "channels": (
        r"channel", r"sales", r"\bsell", r"\breach", r"distribut", r"e-commerce", r"shop",
        r"store", r"marketplace", r"online",
    ),
    "customer_segments": (r"segment", r"target", r"market", r"audience", r"clients?\b"),
    "cost_structure": (r"\bcost", r"expens", r"invest", r"spend", r"capex", r"opex"),
    "revenue_streams": (
        r"revenue", r"pric", r"subscri", r"\bpay", r"\bbill",
        r"per (unit|use|hour|cubic|kwh|month)",
        r"monetis", r"income",
        r"lease", r"leasing", r"licen", r"earn", r"fee",
    ),
}

# What each block is about, for matching instructions by meaning.
BLOCK_MEANINGS: dict[str, str] = {
    "key_partners": "key partners, suppliers and alliances we work with",
    "key_activities": "key activities, what the company does and its processes",
    "key_resources": "key resources, assets, data, people, hardware and software",
    "value_propositions": "value propositions, what benefit the offer gives customers",
    "customer_relationships": "customer relationships, how we interact with and retain customers",
    "channels": "channels, how we reach, sell and deliver to customers",
    "customer_segments": "customer segments, which customers and markets we serve",
    "cost_structure": "cost structure, costs and investments of the business",
    "revenue_streams": "revenue streams, how the company earns money, pricing and payment model",
}


# Everyday wording -> the canvas block (or report term) that holds the answer.
QUERY_CUES: tuple[tuple[str, str], ...] = (
    (r"\b(reach|deliver|distribut\w*|sell\w*|sales|market to|get to)\b", "channels"),
    (r"\b(charg\w*|earn\w*|monetis\w*|monetiz\w*|pric\w*|money|income|bill\w*|pay)\b",
     "revenue streams"),
    (r"\b(costs?|expens\w*|spend\w*|invest\w*)\b", "cost structure"),
    (r"\b(who (buys|are the customers)|target\w*|customers? (groups?|types?)|serve)\b",
     "customer segments"),
    (r"\b(partners?\w*|suppliers?|collaborat\w*|allian\w*|work with)\b", "key partners"),
    (r"\b(activit\w*|tasks?|do day to day|processes)\b", "key activities"),
    (r"\b(resources?|assets?|need to have|capabilit\w*)\b", "key resources"),
    (r"\b(offer\w*|value|benefits?|promise)\b", "value propositions"),
    (r"\b(relationships?|engag\w*|loyal\w*|interact\w*)\b", "customer relationship"),
    (r"\b(who (wrote|contributed|authored)|authors?|contributors?|affiliat\w*|universit\w*)\b",
     "contributors"),
    (r"\b(obstacles?|barriers?|hurdles?|difficult\w*|risks? of)\b", "challenges"),
    (r"\b(advice|recommend\w*|should (we|i|companies)|how to succeed)\b", "recommendations"),
)

# Off-topic intents: (kind, pattern).
OFF_TOPIC: tuple[tuple[str, str], ...] = (
    ("coding", r"\b(write|debug|fix|generate|implement|refactor)\b[^.?!]{0,40}\b(code|function|"
               r"script|program|class|method|query|regex|algorithm|sketch|firmware|macro|"
               r"snippet)\b"),
    ("coding", r"\b(python|javascript|typescript|java|c\+\+|c#|golang|sql|html|css|bash|"
               r"powershell)\b"),
    ("purchasing", r"\b(which|what)\b[^.?!]{0,40}\b(brand|vendor|supplier)s?\b[^.?!]{0,30}"
                   r"\b(buy|purchase|choose|pick|order)\b"),
    ("purchasing", r"\bshould (i|we) (buy|purchase|order)\b|\b(i|we) should (buy|purchase)\b"),
    ("purchasing", r"\b(brand|vendor)s?\b[^.?!]{0,40}\b(buy|purchase)\b"),
    ("purchasing", r"\b(current|market|stock|share|spot) price\b|\bprice of\b"),
    ("purchasing", r"\bhow much (does|do|is|are|will)\b[^.?!]{0,40}\bcost\b"),
    ("purchasing", r"\b(recommend|suggest)\s+(me\s+)?(a|an|some|the best|good|a good)\s+"
                   r"[^.?!]{0,30}\b(software|tool|app|laptop|brand|vendor|crm|erp|mes|plc|"
                   r"printer|robot)s?\b"),
    ("finance", r"\b(stocks?|shares|crypto\w*|bitcoin|etfs?)\b[^.?!]{0,25}\b(buy|sell|invest)\w*"
                r"|\b(buy|sell|invest in)\b[^.?!]{0,25}\b(stocks?|shares|crypto\w*|bitcoin|"
                r"etfs?)\b"),
    ("writing", r"\b(write|draft|compose|polish)\b[^.?!]{0,40}\b(e-?mail|letter|post|tweet|essay|"
                r"poem|speech|cover letter|resume|cv|press release|job ad)\b"),
    ("writing", r"\b(review|proofread|correct)\s+(my|our|this)\s+(resume|cv|code|essay|letter)\b"),
    ("trivia", r"\bweather\b|\bforecast for\b|\brecipes? (for|to make)\b|"
               r"\bhow (do i|to) (bake|cook)\b"),
    ("trivia", r"\bcapital (city )?of\b|\bwho won\b|\bworld cup\b|\bolympic\w*\b"),
    ("trivia", r"\b(movie|film|song|lyrics|celebrity|horoscope|joke)s?\b"),
    ("translation", r"\btranslat\w*\b[^.?!]{0,60}\b(into|to) (english|german|french|italian|"
                    r"spanish|portuguese|chinese|japanese)\b"),
    ("accounting", r"\b(ifrs|gaap|hgb)\b|\baccount for (them|it|this|these|those|the \w+)\b|"
                   r"\bdepreciat\w+|\bbalance sheet\b|\bbook(ed|ing)? (it|them) as\b"),
    ("hr-legal", r"\b(fire|dismiss|lay off|sack|terminate)\b[^.?!]{0,30}\b(employees?|technicians?|"
                 r"workers?|staff|someone|somebody|him|her|them|people)\b"),
    ("writing", r"\b(template|sample|boilerplate)\b[^.?!]{0,30}\b(contract|agreement|sla|nda|"
                r"letter|policy|e-?mail|invoice|clause)s?\b|\b(draft|write)\b[^.?!]{0,30}\b(contract|"
                r"agreement|sla|nda|clause|terms and conditions)s?\b"),
    ("trivia", r"\b(who|which company|which firm)\b[^.?!]{0,25}\b(invented|built|founded|created|"
               r"made|discovered|designed)\b[^.?!]{0,25}\bfirst\b"),
    ("purchasing", r"\bwho('s| is| are| would be)\b[^.?!]{0,20}\b(good|best|reliable|cheap\w*|"
                   r"top)\b[^.?!]{0,20}\b(partner|supplier|vendor|provider|distributor|"
                   r"consultan\w*|integrator)s?\b"),
    ("purchasing", r"\b(recommend|suggest)\s+(me\s+)?(a|an|some|the best|good|a good)\s+"
                   r"[^.?!]{0,30}\b(podcasts?|books?|courses?|videos?|youtube|blogs?|newsletters?|conferences?|"
                   r"trade (shows?|fairs?)|events?|webinars?)\b"),
    ("writing", r"\b(gantt|project plan|org chart|spreadsheet|excel (sheet|template|file))s?\b"),
    ("writing", r"\b(draft|write|prepare)\b[^.?!]{0,30}\b(tender|rfp|rfq|request for (proposal|"
                r"quotation)|statement of work|scope of work)s?\b"),
    ("coding", r"\b(google sheets|excel|spreadsheet|libreoffice)\b[^.?!]{0,200}\bformula|"
               r"\bwhat formula\b|\b[vx]lookup\b|\bindex[/ -]match\b"),
    ("finance", r"\bshow (me )?(the|your) (calculation|math|maths|working)\b|\b(after|in|within) "
                r"how many (months|years|weeks)\b[^.?!]{0,40}\bbreak[- ]?even\b"),
    ("writing", r"\b(write|compose|make)\b[^.?!]{0,30}\b(haiku|limerick|poem|song|rap|story|"
                r"slogan|tagline|jingle)s?\b|\b(generate|create|draw|make|design)\b[^.?!]{0,20}\b("
                r"image|picture|drawing|logo|photo|illustration)s?\b"),
    ("career", r"\b(job interview|interview questions|my (cv|resume|résumé)|career advice|salary "
               r"negotiation)\b|\b(best|top)\b[^.?!]{0,30}\b(universit\w+|programs?|programmes?|"
               r"degrees?|mbas?|business schools?)\b"),
    ("finance", r"\b(wacc|npv|irr|payback period|discount rate|net present value)\b"),
    ("trivia", r"\b\d+ ?[+*] ?\d+\b|\bhow (does|do) (a|an) [\w -]{2,30} work (technically|"
               r"internally|mechanically|physically)\b"),
    ("travel", r"\b(visa|passport)s?\b[^.?!]{0,40}\b(travel\w*|trip|visit\w*|flight|entry|"
               r"border)\b|\b(travel\w*|trip|visit\w*|flight|entry|border)\b[^.?!]{0,40}\b(visa|"
               r"passport)s?\b|\bbook (me )?(a |the )?(flight|hotel|train|car)s?\b"),
    ("trivia", r"\b(icebreakers?|ice-breakers?|riddles?|team[- ]building (game|activit\w+))\b|"
               r"\bfun (game|quiz|activity)\b"),
    ("tax-legal", r"\b(vat|gst|sales tax|income tax|corporate tax|withholding tax|tax (rate|"
                  r"return|credit|deduct\w*|advice|treatment|law)s?)\b|\b(is it|is this|is that) "
                  r"legal\b|\blegally (allowed|required|binding)\b|\bsue\b|\blawsuit\b|"
                  r"\b(legal|statutory) (answer|advice|opinion|warranty|guarantee|requirements?|"
                  r"obligations?|deadlines?)\b|\bright of withdrawal\b|\bcooling[- ]off period\b|"
                  r"\bliable\b|"
                  r"\b(can|may|could|are) (we|i|they) legally\b|\blegally,? (can|may)\b"),
)

# Question wording that says nothing about the topic.
WORDING = (
        "kind kinds type types way ways thing things make makes made need needs use used work "
        "works come comes say says said suggest suggests mean means meant describe describes "
        "happen actually really example examples main one ones get gets go goes like look know "
        "define defines defined definition explain explains explained"
)

# Adjectives of place folded into the place names the contributor list uses.
DEMONYMS = {
    "swiss": "switzerland", "brazilian": "brazil", "italian": "italy", "german": "germany",
    "french": "france", "swedish": "sweden", "danish": "denmark", "american": "usa",
    "us": "usa", "u.s.": "usa", "mexican": "mexico", "canadian": "canada", "finnish": "finland",
    "serbian": "serbia", "dutch": "netherlands", "spanish": "spain", "british": "uk",
    "chinese": "china", "japanese": "japan", "norwegian": "norway", "portuguese": "portugal",
}

# Countries a company may be in: places, never terms the report could be asked about.
COUNTRIES = frozenset("""
afghanistan albania algeria andorra angola argentina armenia australia austria azerbaijan bahrain
bangladesh belarus belgium benin bolivia bosnia botswana brazil brunei bulgaria burkina cambodia
cameroon canada chile china colombia congo croatia cuba cyprus czechia czech denmark djibouti
ecuador egypt estonia eswatini ethiopia fiji finland france gabon gambia georgia germany ghana
greece guatemala guinea haiti honduras hungary iceland india indonesia iran iraq ireland israel
italy jamaica japan jordan kazakhstan kenya korea kosovo kuwait kyrgyzstan laos latvia lebanon
lesotho liberia libya liechtenstein lithuania luxembourg madagascar malawi malaysia maldives mali
malta mauritania mauritius mexico moldova monaco mongolia montenegro morocco mozambique myanmar
namibia nepal netherlands holland nicaragua niger nigeria macedonia norway oman pakistan panama
paraguay peru philippines poland portugal qatar romania russia rwanda senegal serbia singapore
slovakia slovenia somalia spain lanka sudan suriname sweden switzerland syria taiwan tajikistan
tanzania thailand togo tunisia turkey türkiye turkmenistan uganda ukraine emirates uae uruguay
uzbekistan venezuela vietnam yemen zambia zimbabwe england scotland wales uk usa america
""".split())

# Regions a question may name, by the countries in them (for the contributor list).
REGIONS = {
    "north america": ("usa", "canada", "mexico"), "latin america": ("mexico", "brazil"),
    "south america": ("brazil",), "americas": ("usa", "canada", "mexico", "brazil"),
    "europe": ("germany", "italy", "switzerland", "sweden", "denmark", "finland", "serbia",
               "france", "netherlands", "spain", "uk", "norway", "portugal"),
    "scandinavia": ("sweden", "denmark", "norway"), "nordic": ("sweden", "denmark", "finland",
                                                                "norway"),
    "asia": ("china", "japan"), "united states": ("usa",), "america": ("usa",),
}

# Abbreviations any company description uses; not terms the report could be asked to mention.
BUSINESS_SHORTHAND = frozenset({
    "EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "JPY", "CNY", "INR", "BRL", "EU",
    "US", "USA", "UK", "OEM", "OEMS", "B2B", "B2C", "SME", "SMES", "CEO", "CFO", "COO", "CTO",
    "HQ", "R&D", "KPI", "KPIS", "FTE", "FTES", "IT", "HR", "M", "MIO", "BN", "K", "PPL",
    "DACH", "EMEA", "APAC", "LATAM", "MENA", "ASEAN",  # regions
    "MD", "GM", "VP", "SVP", "EVP", "PM",  # titles
    # country codes
    "DE", "CH", "SE", "DK", "FI", "NO", "NL", "FR", "ES", "PT", "RS", "BR", "MX", "CA",
    "CN", "JP", "IN", "PL", "CZ", "AT", "BE", "TR",
})

# Words naming the report itself: "report" is a stop word of the lexical index.
META = (
    r"\b(report|wmr|authors?|authored|wrote|written|editors?|edited|publish\w*)\b"
)

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10,
}

# One recommendation named by number or ordinal; groups: its number (either form) or ordinal:
# "recommendation 8", "the 3rd recommendation", "the seventh rec"; not "each of the 10
# recommendation", where a number without an ordinal's ending counts them.
RECOMMENDATION_REF = (
    r"\b(?:(?:recommendation|rec)\.?\s*(?:no\.?|number|#)?\s*(\d{1,2})|(\d{1,2})(?:st|nd|rd|th)"
    r"\s+(?:recommendation|rec)\b|(" + "|".join(ORDINALS) + r")\s+(?:recommendation|rec)\b)\b"
)


# What names each of the report's six business models in a question (subject key -> pattern).
SUBJECT_PATTERNS: dict[str, str] = {
    "digital": r"\bdigital(?![- ]+(economy\b|twin|transformation|technolog))",
    "data": r"\bdata[- ]driven\b|\bdata economy\b|\bdata(?=[- ]+(and|or|vs\.?|versus)\b)",
    "ai": r"\bai[- ]based\b|\bai\b|\bartificial intelligence\b",
    "mass": r"\bmass[- ]?customi[sz]\w*",
    "servitised": r"\bservi[tc]i[sz]\w*",
    "circular": r"\bcircular\w*",
}

# What names a canvas block in a question (block key -> pattern).
BLOCK_PATTERNS: dict[str, str] = {
    "key_partners": r"\bpartner\w*|\bteam(s|ing)? up\b|\bsuppl(ier|iers|y side)\b",
    "key_activities": r"\bactivit\w*|\bgood at\b|\bstages?\b|\bsteps\b",
    "key_resources": r"\bresources?\b|\bassets?\b|\b(what|which)\s+(do|does|would|will)\s+(we|i|"
                     r"they|one|a company)\s+need\b(?!\s+to\s+do)|\bneed (to have )?(in place|"
                     r"inside)\b",
    "value_propositions": r"\bvalue propositions?\b|\bvalue\b",
    "customer_relationships": r"\brelationships?\b",
    "channels": r"\bchannels?\b|\breach\w*\b",
    "customer_segments": r"\bsegments?\b|\bwho (would )?buys?\b|\bwho are (the|their|its) "
                         r"customers\b|\bcustomers? (groups?|types?|base)\b|\btarget "
                         r"(customers|groups?|markets?)\b",
    "cost_structure": r"\bcosts?\b|\bcost structures?\b|\bcheap\w*|\bexpensive\b|\bspend\w*\b",
    "revenue_streams": r"\brevenue\w*\b|\bmoneti[sz]\w*|\bearn\w*|\bmoney\b|\bincome\b|\bcharg\w*",
}

# A comparison of business models; a question about trends; a question about the contributors.
COMPARE = (
    r"\b(compar\w*|contrast\w*|differ\w*|versus|vs\.?|distinguish\w*|similarit\w*|"
    r"weigh up|against each other|which one|which of (them|the two|these|those|both)|"
    r"(more|less|better|worse|\w{3,}er) than)\b|"
    # "which is cheaper to start?": a comparative asked of "which"
    r"\bwhich (is|are|has|needs|costs|would be|will be)\b[^?.]{0,20}\b(more|less|better|worse|"
    r"cheaper|faster|easier|harder|riskier|safer|simpler|quicker|bigger|smaller)\b"
)
TREND = r"\b(economy|economies|trends?)\b"
CONTRIBUTOR = r"\bcontribut\w*|\baffiliat\w*|\bwho (wrote|authored)\b|\bauthors?\b"

# --- The company a user describes (bot.answers.company) -------------------------------------

# First-person words that say the asker speaks for an organisation.
FIRST_PERSON_ORG = (
    r"\b(we|we're|we've|we'd|our|ours|us|my (company|firm|business|employer|client|plant|"
    r"factory|team|boss)|i (run|own|manage|lead|work (at|for|in)|am (the|a|an) [a-z]+ (at|of)))\b"
)
# First-person words that name the asker's own organisation ("our plant", "we sell").
ORG_MENTION = (
    r"\b(our|my)\s+(company|firm|business|plant|factory|factories|plants|customers|machines|"
    r"products|clients|team|sites?|group|shop)\b|\bwe\s+(make|sell|produce|build|run|"
    r"manufacture|are|have|supply|offer|operate|design)\b"
)
# Nouns naming a kind of company ("a contract electronics manufacturer").
COMPANY_NOUNS: tuple[str, ...] = (
    "manufacturers?", "makers?", "producers?", "suppliers?", "companies", "company", "firms?",
    "businesses", "business", "plants?", "factory", "factories", "foundry", "foundries",
    "workshops?", "oems?", "sme", "smes", "mittelstand", "start-?ups?", "scale-?ups?",
    "builders?", "fabricators?", "shops?", "mills?", "integrators?", "vendors?", "group",
)
# Verbs with which a company says what it makes.
PRODUCT_VERBS: tuple[str, ...] = (
    "make", "makes", "produce", "produces", "manufacture", "manufactures", "build", "builds",
    "sell", "sells", "supply", "supplies", "design", "designs", "assemble", "assembles",
    "offer", "offers", "develop", "develops", "machine", "cast", "mould", "mold", "print",
)

# --- Words of a conversation, not of its topic (bot.answers.terms) ----------------------------
# Never reported as "not in the report": they say how to answer, not what about.
CHAT_WORDS = (
    "task context please thanks thank hi hello hey ok okay quick quickly short brief briefly "
    "simple simply "
    "summary summarise summarize summarised overview tldr tl dr gist recap bullet bullets point "
    "points list lists listing enumerate name names everything anything something all every "
    "each whole entire full complete detail details detailed explain explanation tell give "
    "show want wants wanted wonder wondering curious help helps helpful think thought idea "
    "ideas boss manager managers board colleague colleagues team management ceo cfo cto coo "
    "presentation slide slides deck meeting workshop email memo pitch students student class "
    "course thesis exam homework study question questions answer answers again also else "
    "exactly actually basically really maybe perhaps probably still already yet even "
    "start started starting begin first next step steps plan plans planning realistic "
    "practical practically concrete concretely specific specifically main key top best "
    "biggest important importance relevant useful good bad better worse pros cons way ways "
    "moving move going toying considering consider thinking looking trying try hoping "
    "apply applies applicable fit fits suit suits suitable right wrong sense tips advice "
    "advise advises recommend recommends recommended suggest suggests suggested headline "
    "anyway though whether today nowadays currently future years year month months week "
    "weekend say says said mention mentions mentioned cover covers covered talk talks "
    "document read reading pages page section sections chapter part parts pls plz heading "
    "headings title titles spell spelled spelling spells reproduce copy verbatim wording "
    "downside downsides pitfall pitfalls drawback drawbacks hurdle hurdles snag snags catch "
    "gotcha gotchas table tables hallo hm hmm whats acc ppl numbered number pertinent props "
    "prop chars characters tweet tho gimme tmrw tmr asap fyi btw imo esp eg ie etc form format "
    "formats"
)

# The report's own domain: words any question about it may use without naming a new topic.
DOMAIN_WORDS = (
    "report wmr wmf manufacturing manufacturer manufacturers manufacture manufactured factory "
    "factories plant plants company companies firm firms industry industries industrial "
    "business businesses sector sectors market markets product products production producer "
    "producers machine machines machinery equipment customer customers client clients "
    "revenue revenues profit money cost costs price pricing sales sell selling employees staff "
    "people workers organisation organization enterprise enterprises sme smes"
)

# The report's lists (keys of bot.report.catalog) and the words that name them.
LIST_CUES: dict[str, str] = {
    "recommendations": r"\brecommendations\b|\brecs\b|\bkey (actions|advice)\b",
    "trends": r"\btrends?\b|\beconom(y|ies)\b",
    "models": r"\b(business )?models\b|\barchetypes?\b|\bcanvases\b|\btypes of business model",
    "challenges": r"\bchalleng\w*|\bobstacles?\b|\bbarriers?\b|\bhurdles?\b|\bpitfalls?\b|"
                  r"\bfail(s|ed|ing)?\b|\bgo(es)? wrong\b",
    "why": r"\bwhy\b(?![^?]{0,60}\b(fail\w*|wrong|struggl\w*))[^?]{0,60}\b(matter\w*|important|"
           r"innovat\w*)|\breasons?\b|\bdrivers?\b",
    "impact": r"\bimpact\w*|\beffects? on\b|\baffect\w* the (sector|industry)\b",
    "contributors": CONTRIBUTOR,
    "levers:skills": r"\bskills?\b",
    "levers:technology": r"\btechnolog(y|ies|ical)\b",
    "levers:policy": r"\bpolic(y|ies)\b",
    "about": r"\b(when|where) was (it|the report) (presented|published)|\bwho (edited|wrote)\b",
    "closing": r"\bclosing\b|\bfinal (words|statement|message)\b",
}
# Words that only say which list is meant ("the six trends", "key recommendations").
LIST_WORDS = (
    "six ten nine new key innovation innovative trends trend models model business canvas recs "
    "block blocks field fields "
    "canvases archetypes levers lever measures actions items item points bm bms bmc bmi wmr "
    "wmr23 wmr2023"
)
LEVER_CUES = r"\blevers?\b|\bmeasures?\b|\brecommend\w*|\bactions?\b"
ACROSS_CUES = (
    r"\b(each|every|all|across|six) (of the )?(the )?(six )?(business )?(models?|canvases|"
    r"archetypes)\b|\bfor (each|every|all) (model|canvas|archetype)s?\b|\bper model\b|"
    r"\bacross (the )?(board|models?)\b"
)
