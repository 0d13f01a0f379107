"""How users phrase each kind of question: example phrasings and structural cues, as data.

bot.answers.kinds reads a question as the kind whose examples it is closest to in meaning, with
these cues settling the plain cases. Like bot.report.vocabulary, this module holds no logic.
"""

from __future__ import annotations

# --- Question kinds (bot.answers.kinds) -------------------------------------------------------
# Example phrasings of each kind; a question is read as the kind whose examples it is closest
# to in meaning, with the structural signals in bot.answers.kinds breaking close calls.
KIND_EXAMPLES: dict[str, tuple[str, ...]] = {
    "enumerate": (
        "List all of the recommendations.",
        "What are all the items in this list?",
        "Give me the complete list.",
        "Name every one of them.",
        "What are the six of them?",
        "Enumerate each of the ten points.",
        "Show me the full list with nothing left out.",
        "Which are all the options the report lists?",
        "What does each of the models say about this block?",
        "Give me every item, one by one.",
    ),
    "overview": (
        "Give me an overview of the report.",
        "Summarise the report.",
        "What are the main takeaways?",
        "What is this report about?",
        "What are the key conclusions?",
        "Give me an executive summary.",
        "What are the key messages in a nutshell?",
        "tl;dr of the whole document please",
        "What should I remember from this report?",
        "Explain the report in a few sentences.",
        "What does the report say overall, roughly?",
        "Describe the report in a sentence or two, and who is behind it.",
        "What is the report's overall argument?",
        "Summarise the whole thing for me before I read it.",
        "Is this report worth reading for someone in my role?",
        "Why should people like me care about this report?",
        "Brief my boss on it in five bullets.",
    ),
    "advise": (
        "We are a manufacturer; which business model would suit us?",
        "What should our company do to move towards this model?",
        "How should we get started, given our size and products?",
        "Which model fits a company like ours?",
        "We make machines and want recurring revenue. What do you recommend?",
        "How could my firm adopt this business model?",
        "Where should a mid-sized manufacturer begin?",
        "What would you advise a small plant like ours?",
        "Our customers want outcomes, not products. How do we set this up?",
        "Is this model realistic for a company of our size?",
    ),
    "risks": (
        "What are the risks?",
        "What could go wrong?",
        "What are the challenges and obstacles?",
        "What would it cost us?",
        "What are the downsides of this model?",
        "What barriers should we expect?",
        "How expensive is it to adopt this model?",
        "What are the pitfalls to watch out for?",
        "What investment does it need?",
        "What makes this hard to implement?",
    ),
    "compare": (
        "Compare these two business models.",
        "What is the difference between the two models?",
        "How do they differ?",
        "Which one is better, this or that?",
        "Contrast the two approaches side by side.",
    ),
    "canvas": (
        "Draft a business model canvas for our company.",
        "Fill in the nine blocks of a canvas for us.",
        "Create a canvas for my company.",
        "Build a business model canvas for this idea.",
        "Make me a canvas.",
    ),
    "offtopic": (
        "Write a Python function.",
        "What is the weather tomorrow?",
        "Which brand should I buy?",
        "What is the share price of this company?",
        "Who won the football match?",
        "Give me a recipe for dinner.",
        "What is the market size in 2025?",
        "What percentage of companies did this according to the survey?",
        "How many employees does that corporation have?",
        "Is this contract clause legal?",
        "Translate this text into German.",
        "What is the average profit margin in the industry?",
        "Can I dismiss an employee without notice?",
        "What are the symptoms of the flu?",
        "Book me a flight and a hotel for the trade fair.",
        "Which football team won the league?",
        "Should I buy shares of this company?",
        "Write a cover letter for a plant manager job.",
        "How many people work at that corporation?",
        "What is the history of the steam engine?",
        "Which software vendor or supplier is the best one to buy from?",
        "Recommend a good book or online course on this.",
        "How do I get certified or qualified for this job?",
        "How much budget should we spend on marketing each year?",
        "Which countries pay the biggest subsidies?",
        "How do I write a business plan to get a bank loan?",
    ),
    "lookup": (
        "What does the report say about this?",
        "What are the key partners of this business model?",
        "Which customer segments does the model target?",
        "What does the recommendation say about skills?",
        "How does the report describe this trend?",
        "Who contributed to the report?",
        "What revenue streams does the report list for this model?",
        "What is meant by this term?",
        "Which resources are needed?",
        "When and where was the report presented?",
    ),
}

# Structural cues (regular expressions) that back up the example phrasings.
ALL_CUES = (
    r"(?<!\bat )(?<!\bthey )(?<!\bwe )(?<!\byou )\b(all(?! (this|that|these|those|of us|over|"
    r"along|the time)\b)|every|each|entire|whole|complete|full|list|"
    r"enumerate|name them|one by one|exhaustive\w*|comprehensive\w*|in full|each and every|"
    r"(leave|leaving|left) (none|nothing|no \w+) out|"
    r"(leave|leaving) (any|anything|any \w+|one|anyone) out|(not|n't|never) (omit|skip|miss)\w*|"
    r"without (omitting|skipping|missing)|"
    r"everything|overview of (all|every|the (six|ten|nine)))\b|\bwhat are the (six|ten|nine|"
    r"\d+)\b|\b(six|ten|nine)\b|(?<!recommendation )(?<!rec )\b(6|9|10) (?=[a-z])"
)
OVERVIEW_CUES = (
    r"\b(overview|summar\w*|takeaways?|take-aways?|tl;?dr|gist|in a nutshell|key messages?|"
    r"conclusions?|conclude|executive summary|"
    r"(main|overall|central|core|key|big|general) (points?|ideas?|messages?|findings?|argument"
    r"s?|thesis|lessons?|story|thrust)|"
    r"(what is|what'?s|whats) (this|the) (report|document|wmr)( ?\d{2,4})? (all )?about|recap|"
    r"big picture|elevator pitch|"
    r"worth (reading|my time|a read)|what'?s in it for|brief (me|my|our|the) \w+|"
    r"one[- ]pager|on (one|a single) page|in (a|one) (page|paragraph)|"
    r"(one|single) (thing|lesson|takeaway|message)|(two|three|four|five|\d|few) (things|lessons|"
    r"takeaways|messages) [^.?!]{0,30}\bremember|remember (from|about) (it|this|the report)|"
    r"(is|was) (it|this|the) (report |document |wmr )?(really |even )?(relevant|useful|"
    r"applicable|meant|written|aimed|intended)|who (is|was) (it|this|the report) (for|written)|"
    r"how is (it|this|the) (report |document |wmr )?(built|structured|organi[sz]ed|laid out|"
    r"set up)|"
    r"(structure|outline|table of contents) of (this|the) (report|document|wmr)|"
    r"résumé|resumen|zusammenfassung|riassunto|resumo|samenvatting|"
    r"eli5 (the|this) [^.?!]{0,40}(report|wmr|document)|(box|blurb|abstract|teaser|synopsis|"
    r"write-?up) (on|about|of) (the|this) (report|wmr|document))\b"
)
RISK_CUES = (
    r"\b(risks?|risky|challeng\w*|obstacles?|barriers?|hurdles?|pitfalls?|downsides?|"
    r"drawbacks?|go wrong|costs?(?! structures?)|costly|expensive|price tag|hard to|"
    r"difficult\w*|problems?|threats?|worr\w*|concerns?|dangers?|weakness\w*|warn\w*|"
    r"cautio\w*|watch out|trade-?offs?|pay(s)? off|payoff|worth (it|the money|the "
    r"investment|the effort)|roi|return on investment)\b"
)
ADVICE_CUES = (
    r"\b(should (we|i|they|a company)|how (do|can|could|would|should) (we|i)|where (do|should) "
    r"(we|i) (start|begin)|what (should|would|can|could) (we|i)|which (business )?model "
    r"(would )?(suits?|fits?|works?)|(suits?|fits?|for) (us|our|a company like|companies like)|"
    r"recommend(ation)? for (us|our)|get (it )?going|get started|first steps?|"
    r"move (towards|into|to)|realistic for|set (it|this|that) up|how to start|(could|can|shall) "
    r"we|which (of the )?(\w+ )?(business )?models? (\w+ ){0,3}(is (this|that|it|ours)|are we|"
    r"matche?s?|describes?|applies|corresponds?)|(does|do|would) (this|that|it|our \w+) (match|fit|"
    r"correspond))\b"
)
CANVAS_CUES = (
    r"\b(draft|create|build|fill( in)?|make|design|sketch|prepare|write)\s+(?:[\w'’-]+\s+){0,5}"
    r"(business model )?canvas\b"
)
# Questions after figures the report does not hold (it has no statistics or survey results).
STATISTIC_CUES = (
    r"\b(how many|what (percentage|percent|share|proportion|number) of|market (size|share)|"
    r"growth rate|cagr|average (ebit|margin|profit|revenue|salary|price)|statistics|"
    r"survey (data|results?)|respondents|stock price|shares? price|population of|gdp|"
    r"salar(y|ies)|wages?|going rate|tax rates?|"
    r"(inflation|unemployment|interest|exchange) rate|results? of (the|a|an) [^.?!]{0,30}survey|"
    r"how much (revenue|money|profit|turnover)|how much (do|does|did|can|would) [\w ]{1,30} "
    r"(earn|get paid)|"
    r"(typical|normal|average|usual|median|benchmark) ([\w-]+ )?(rates?|margins?|markups?|prices?|"
    r"figures?|percentages?|payback)|what ([\w-]+ )?(rate|margin|markup|"
    r"percentage|share) is (normal|typical|usual|average|good))\b|\bwhat %|"
    r"\bwill [\w -]{1,40} (grow|shrink|decline|rise|fall)\b|\bmarket forecasts?\b"
)
# ...of which these ask for market figures, which no company story makes the report hold.
MARKET_CUES = (
    r"\bmarket (size|volume|value)\b|\bsize of the [\w -]{0,30}market\b|\bcagr\b|"
    r"\b(growth rate|forecasts?) (of|for|to|until|till|through)\b|\b(stock|share) price\b|"
    r"\b(typically|usually|normally) (charge|charges|pay|pays|earn|earns|cost|costs|ask for)\b"
)
# ...of which these ask for a share of companies or people, which the report never gives, even
# when the question also names one of its lists ("what % of manufacturers report skills gaps").
# They count in the sentences that ask: in a company's story ("a contract at 8% of machine
# price") a share is a figure the user gives.
ASKED_SHARE_CUES = r"\bwhat (%|percent\w*|share|proportion|fraction) of\b|\b\d+ ?(%|percent) of\b"
# ...and these ask for a hard number or a ranking anywhere ("my boss wants a hard number").
SHARE_CUES = (
    r"\b(need|want|give me|looking for|send me) (a|the|some|hard) (number|figure|statistic|stat|"
    r"data point)s?\b|\b(rank\w*|top \d+|top (five|ten|twenty)|league table)\b[^.?!]{0,40}\b(by|"
    r"in terms of) (revenue|sales|size|market share|employees|turnover|profit)\b"
)

# --- What a question is about (bot.answers.kinds.KindExamples.domain_gap) -------------------------
# Domains of knowledge outside the report that requests to an advisor often belong to, and the
# report's own domains. A question clearly closer to the former is off-topic, however it is asked.
OFF_DOMAINS: tuple[str, ...] = (
    "programming, writing or fixing software code, scripts, SQL queries, spreadsheets and Excel "
    "formulas",
    "international shipping, Incoterms, customs duties, import and export paperwork",
    "insurance policies, insurance cover, premiums and insurers",
    "patents, trademarks, intellectual property filings and their fees",
    "contract law, liability, warranties, legal obligations and regulations compliance advice",
    "tax, VAT, accounting standards, bookkeeping and depreciation",
    "statistics: sample sizes, confidence levels, margins of error, regression",
    "unit conversions and physics or engineering calculations",
    "choosing materials, alloys, steel grades, coatings and engineering specifications",
    "machine settings, process parameters, defects, quality problems on the shop floor",
    "buying a specific product, brand, vendor, machine or software tool, and its price",
    "current prices of commodities, raw materials, energy and electricity contracts",
    "stock markets, shares, investing savings, crypto and personal finance",
    "market size, market share, growth forecasts and industry statistics",
    "facts about a specific company: its revenue, employees, CEO or share price",
    "politics, government ministers, elections and public officials",
    "hiring, salaries, firing employees, job interviews, CVs and careers",
    "performance reviews, improvement plans and warnings for individual employees",
    "writing emails, letters, speeches, marketing copy, slogans and social media posts",
    "translation between languages",
    "travel, flights, hotels, visas",
    "health, medicine, symptoms and fitness",
    "sports, games, entertainment, films, music and celebrities",
    "cooking, recipes and food",
    "weather and climate forecasts",
    "history and trivia about inventors and inventions",
    "mathematics and arithmetic",
    "academic citation metrics, h-index and publications of a person",
    "personal life advice and relationships",
    "network security configuration, IT administration and passwords",
    "how to operate, repair or maintain a specific machine or appliance",
    "production scheduling, kanban sizing, OEE and other shop-floor calculations",
    "quality management, ISO certification and audits",
    "freight, routing, warehousing and fleet operations",
    "advertising campaigns, SEO and social media marketing",
    "real estate, land, buildings and rents",
    "workplace safety, forklift traffic and accident prevention",
)
ON_DOMAINS: tuple[str, ...] = (
    "business models for manufacturers",
    "servitisation, product-service systems and pay-per-use",
    "circular economy, take-back, remanufacturing and recycling business models",
    "data-driven business models and selling data services",
    "AI-based business models",
    "mass customisation and personalised products",
    "digital platforms and digital business models",
    "customer segments, value propositions, channels and customer relationships",
    "revenue streams, cost structure, key partners, key activities and key resources",
    "recommendations for manufacturers on skills, technology and policy",
    "challenges of business model innovation: resistance to change, skills gaps, high initial "
    "costs",
    "innovation trends reshaping manufacturing",
    "what a report says, its summary and conclusions",
    "which business model fits our company and how to start",
    "risks and costs of changing our business model",
)

# --- Business models (bot.canvas.engine) --------------------------------------------------------
# How a company describes what it does or wants when a model fits it, in everyday words rather
# than the report's: a brief is read as the model whose examples its sentences come closest to.
ARCHETYPE_EXAMPLES: dict[str, tuple[str, ...]] = {
    "servitised": (
        "Customers pay for the use, the running hours or the output of the equipment instead of "
        "buying it.",
        "We keep the machines running for the customer under maintenance and service contracts.",
        "We sell availability and guaranteed uptime rather than the product itself.",
        "The customer pays a fee per unit produced while we own and operate the equipment.",
        "Our technicians look after the installed base and we charge for the results.",
        "We run the equipment at the customer's site with our own crew.",
    ),
    "circular": (
        "We take products back at the end of their life and refurbish, repair or remanufacture "
        "them.",
        "We recover and recycle materials from used products so that less ends up as waste.",
        "Old products get a second life and are sold again.",
        "We lease products and take them back when the contract ends.",
        "We want to reduce waste and reuse components and materials in a closed loop.",
        "Used goods come back to us; we fix what still works and turn the rest into raw material.",
    ),
    "mass-customisation": (
        "Each customer configures or designs their own product before we make it.",
        "Customers choose sizes, colours, options and features and we build every order "
        "individually.",
        "We make personalised products to order in small batches, down to one piece.",
        "An online configurator lets buyers tailor the product to their own needs.",
        "Every customer wants something slightly different and we adapt the design for each.",
    ),
    "data-driven": (
        "We collect data from our products, sensors and operations and sell insights to customers.",
        "We share or sell data, benchmarks and analytics services to customers and partners.",
        "The data our machines generate is worth more than the machines themselves.",
        "We offer reports and optimisation advice based on the data we gather across many sites.",
        "Customers would pay for benchmarks that compare their performance with others.",
    ),
    "ai-based": (
        "We build artificial intelligence and machine learning into our products and services.",
        "Our software predicts failures and makes decisions automatically with trained models.",
        "We use computer vision and neural networks to detect defects.",
        "We sell AI models and predictions as a service to manufacturers.",
        "Our algorithms learn from production data and recommend settings.",
    ),
    "digital": (
        "We sell through an online platform, an app and an e-commerce shop.",
        "Customers buy software features and digital subscriptions for the products they own.",
        "We connect our products to the cloud and offer digital services and updates.",
        "We want a marketplace platform that brings buyers and suppliers together online.",
        "Our products get new functions through software downloads that customers pay for.",
    ),
}
