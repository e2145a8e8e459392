"""The hub's real content, mirrored from openai.com/safety, and the loader that writes it."""

from datetime import UTC, date, datetime, time

from django.db import transaction
from django.utils.text import slugify

from catalog.models import (
    AIModel,
    AIModelAlias,
    Committee,
    Conversation,
    Determination,
    Direction,
    Evaluation,
    EvaluationCategory,
    FrameworkVersion,
    HubFeature,
    HubPage,
    Kind,
    Label,
    Membership,
    Metric,
    Modality,
    ModelLineage,
    Person,
    Practice,
    Publication,
    Relation,
    RiskCategory,
    RiskKind,
    Stage,
    Status,
    ThresholdLevel,
    Topic,
)

# Items without a known date carry the day the seed page was scraped.
SCRAPED_ON = date(2025, 10, 10)

HUB_PAGE = {
    "eyebrow": "Safety",
    "title": "Safety at every step",
    "intro": (
        "We believe in AI’s potential to make life better for everyone, "
        "which means making it safe for everyone"
    ),
    "meta_title": "Safety & responsibility",
    "lifecycle_heading": "Safety doesn’t stop",
    "lifecycle_intro": (
        "Building safe AI isn’t one and done. Every day is a chance to make things better. "
        "And every step helps anticipate, evaluate, and prevent risk."
    ),
    "approach_link_text": "How we think about safety and alignment",
    "approach_link_url": "https://openai.com/safety/how-we-think-about-safety-alignment/",
    "topics_heading": "Leading the way in safety",
    "topics_intro": (
        "We collaborate with industry leaders and policymakers on the issues that matter most."
    ),
    "conversations_heading": "Conversations with OpenAI researchers",
    "conversations_intro": (
        "Get inside OpenAI with our series that breaks down a range of topics around safety "
        "and more."
    ),
    "news_heading": "Latest news on safety",
    "news_count": 4,
    "deeper_heading": "Go deeper on safety",
    "evaluations_link_text": "Explore the safety evaluations hub",
    "evaluations_link_url": "/evaluations/",
}

STAGES = [
    {
        "name": "Teach",
        "summary": (
            "We start by teaching our AI right from wrong, filtering harmful content and "
            "responding with empathy."
        ),
        "practices": [
            (
                "Filter data",
                "Training data is filtered to reduce harmful content before a model "
                "learns from it.",
            ),
            (
                "OpenAI policies",
                "Written policies set out what the models should and should not help people do.",
            ),
            (
                "Human values",
                "Feedback from people teaches the models to respond helpfully, "
                "honestly and with care.",
            ),
        ],
    },
    {
        "name": "Test",
        "summary": (
            "We conduct internal evaluations and work with experts to test real-world scenarios, "
            "enhancing our safeguards."
        ),
        "practices": [
            (
                "Red teaming",
                "Internal and external experts probe a model for risks and misuse "
                "before it is released.",
            ),
            (
                "System cards",
                "Each major release is documented in a system card that describes "
                "its evaluations and safeguards.",
            ),
            (
                "Preparedness evals",
                "Frontier capabilities are measured against the tracked "
                "categories of the Preparedness Framework.",
            ),
        ],
    },
    {
        "name": "Share",
        "summary": "We use real-world feedback to help make our AI safer and more helpful.",
        "practices": [
            (
                "Safety committees",
                "Safety committees review evaluation results and advise on release decisions.",
            ),
            (
                "Alpha / Beta",
                "Early releases to limited groups surface problems before a wider launch.",
            ),
            (
                "GA",
                "General availability opens a model to everyone once it has been through "
                "limited release.",
            ),
            (
                "Feedback",
                "What people report from real-world use informs updates to the models "
                "and their safeguards.",
            ),
        ],
    },
]

TOPICS = [
    ("Child safety", "Creating industry-wide standards to protect children."),
    ("Private information", "Protecting people’s privacy."),
    ("Deep fakes", "Improving transparency in AI content."),
    ("Bias", "Rigorously evaluating content to avoid reinforcing biases or stereotypes."),
    ("Elections", "Partnering with governments to combat disinformation globally."),
]

CONVERSATIONS = ["Where is AI going?", "Teaching ChatGPT Good Behavior"]

# A family's root comes before its members; "released" is None where no date is known.
AI_MODELS = [
    {
        "name": "GPT-5",
        "released": date(2025, 8, 7),
        "summary": "A model family made of fast main models and deeper-reasoning thinking models.",
    },
    {
        "name": "gpt-5-main",
        "family": "GPT-5",
        "released": date(2025, 8, 7),
        "aliases": ["gpt-5-chat-latest"],
        "summary": "The fast, high-throughput model of GPT-5; the successor of GPT-4o.",
    },
    {
        "name": "gpt-5-main-mini",
        "family": "GPT-5",
        "released": date(2025, 8, 7),
        "summary": "The smaller fast model of GPT-5; the successor of GPT-4o mini.",
    },
    {
        "name": "gpt-5-thinking",
        "family": "GPT-5",
        "released": date(2025, 8, 7),
        "aliases": ["gpt-5"],
        "summary": "The reasoning model of GPT-5; the successor of OpenAI o3.",
    },
    {
        "name": "gpt-5-thinking-mini",
        "family": "GPT-5",
        "released": date(2025, 8, 7),
        "aliases": ["gpt-5-mini"],
        "summary": "The mini version of the GPT-5 reasoning model; the successor of o4-mini.",
    },
    {
        "name": "gpt-5-thinking-nano",
        "family": "GPT-5",
        "released": date(2025, 8, 7),
        "aliases": ["gpt-5-nano"],
        "summary": (
            "The smallest and fastest GPT-5 reasoning model, made for developers; "
            "the successor of GPT-4.1 nano."
        ),
    },
    {
        "name": "GPT-5-Codex",
        "family": "GPT-5",
        "released": date(2025, 9, 15),
        "summary": "A version of GPT-5 optimized for agentic coding.",
    },
    {
        "name": "o3",
        "released": date(2025, 4, 16),
        "summary": "A reasoning model released together with o4-mini in April 2025.",
    },
    {
        "name": "o4-mini",
        "released": date(2025, 4, 16),
        "summary": "A smaller reasoning model released together with OpenAI o3 in April 2025.",
    },
    {
        "name": "o3-mini",
        "family": "o3",
        "released": date(2025, 1, 31),
        "summary": "A small reasoning model of the o3 family, released in January 2025.",
    },
    {
        "name": "o1",
        "released": date(2024, 12, 5),
        "summary": "A reasoning model covered, with o1-mini, by the OpenAI o1 System Card.",
    },
    {
        "name": "o1-mini",
        "family": "o1",
        "released": date(2024, 9, 12),
        "summary": "A smaller model of the o1 family, covered by the OpenAI o1 System Card.",
    },
    {
        "name": "codex-1",
        "released": date(2025, 5, 16),
        "summary": (
            "A version of OpenAI o3 optimized for software engineering; "
            "it powers the Codex cloud coding agent."
        ),
    },
    {
        "name": "Operator",
        "released": date(2025, 1, 23),
        "modality": Modality.AGENT,
        "summary": "An agent that carries out tasks on the web through its own browser.",
    },
    {
        "name": "deep research",
        "released": date(2025, 2, 2),
        "modality": Modality.AGENT,
        "summary": "An agent that carries out multi-step research on the web and reports back.",
    },
    {
        "name": "GPT-4o",
        "released": date(2024, 5, 13),
        "modality": Modality.MULTIMODAL,
        "summary": "A model that works across text, images and audio, including speech to speech.",
    },
    {
        "name": "GPT-4o mini",
        "family": "GPT-4o",
        "released": date(2024, 7, 18),
        "summary": "A smaller, lower-cost model of the GPT-4o family.",
    },
    {
        "name": "GPT-4.1 nano",
        "released": date(2025, 4, 14),
        "summary": "The smallest model of the GPT-4.1 series.",
    },
    {
        "name": "GPT-4.5",
        "released": date(2025, 2, 27),
        "summary": "A large language model released in February 2025.",
    },
    {
        "name": "GPT-4",
        "released": date(2023, 3, 14),
        "summary": "A large language model released in March 2023.",
    },
    {
        "name": "GPT-4V",
        "family": "GPT-4",
        "released": date(2023, 9, 25),
        "summary": "GPT-4 with vision: GPT-4 taking images as well as text as input.",
    },
    {
        "name": "DALL·E 3",
        "modality": Modality.IMAGE,
        "summary": "A model that generates images from text descriptions.",
    },
    {
        "name": "Sora",
        "released": date(2024, 12, 9),
        "modality": Modality.VIDEO,
        "summary": "A video generation model released in December 2024.",
    },
    {
        "name": "Sora 2",
        "family": "Sora",
        "released": date(2025, 9, 30),
        "modality": Modality.VIDEO,
        "summary": "The second generation of Sora, released in September 2025.",
    },
]

# (model, relation, earlier model, note), from facts/safety-evaluations.md.
LINEAGE = [
    ("codex-1", Relation.BASED_ON, "o3", ""),
    ("GPT-5-Codex", Relation.BASED_ON, "GPT-5", ""),
    ("Operator", Relation.BASED_ON, "o3", "since May 2025: an o3-based model"),
    ("Operator", Relation.BASED_ON, "GPT-4o", "until May 2025"),
    ("deep research", Relation.BASED_ON, "o3", ""),
    ("gpt-5-main", Relation.SUCCESSOR_OF, "GPT-4o", ""),
    ("gpt-5-main-mini", Relation.SUCCESSOR_OF, "GPT-4o mini", ""),
    ("gpt-5-thinking", Relation.SUCCESSOR_OF, "o3", ""),
    ("gpt-5-thinking-mini", Relation.SUCCESSOR_OF, "o4-mini", ""),
    ("gpt-5-thinking-nano", Relation.SUCCESSOR_OF, "GPT-4.1 nano", ""),
]

GPT_5_MODELS = [
    "GPT-5",
    "gpt-5-main",
    "gpt-5-main-mini",
    "gpt-5-thinking",
    "gpt-5-thinking-mini",
    "gpt-5-thinking-nano",
]

# News newest first, then the "Go deeper" documents in the seed's order. Summaries of the
# cards are the seed's words, with its non-breaking hyphens (GPT‑5, GPT‑4o, GPT‑4.5).
PUBLICATIONS = [
    {
        "title": "Introducing parental controls",
        "kind": Kind.NEWS,
        "label": Label.PRODUCT,
        "date": date(2025, 9, 29),
        "summary": (
            "Parents can now link their ChatGPT account with their teen’s account and adjust "
            "settings for an age-appropriate experience."
        ),
        "url": "https://openai.com/index/introducing-parental-controls/",
        "topics": ["Child safety"],
    },
    {
        "title": "Our updated Preparedness Framework",
        "kind": Kind.NEWS,
        "label": Label.PUBLICATION,
        "date": date(2025, 4, 15),
        "summary": (
            "Version 2 of the Preparedness Framework tracks three categories of frontier "
            "capability against two thresholds, High and Critical."
        ),
        "url": "https://openai.com/index/updating-our-preparedness-framework/",
        "practices": ["Preparedness evals"],
    },
    {
        "title": "An update on disrupting deceptive uses of AI",
        "kind": Kind.NEWS,
        "label": Label.SAFETY,
        "date": date(2024, 10, 9),
        "summary": (
            "How OpenAI detects and disrupts attempts to use its models in deceptive "
            "operations, including ones aimed at elections."
        ),
        "url": "https://openai.com/global-affairs/an-update-on-disrupting-deceptive-uses-of-ai/",
        "topics": ["Elections"],
    },
    {
        "title": "OpenAI safety practices",
        "kind": Kind.NEWS,
        "label": Label.SAFETY,
        "date": date(2024, 5, 21),
        "summary": (
            "An overview of the safety practices OpenAI follows from research through "
            "deployment and monitoring of its models."
        ),
        "url": "https://openai.com/index/openai-safety-update/",
        "topics": ["Child safety", "Private information", "Elections"],
    },
    {
        "title": "Sora 2 System Card",
        "date": date(2025, 9, 30),
        "summary": (
            "Sora 2’s advanced capabilities require consideration of new potential risks, "
            "including nonconsensual use of likeness or misleading generations. To address "
            "these, we worked with internal red teamers to identify new challenges and inform "
            "corresponding mitigations. We’re taking an iterative approach to safety, focusing "
            "on areas where context is especially important or where risks are still emerging "
            "and are not fully understood."
        ),
        "url": "https://openai.com/index/sora-2-system-card/",
        "models": ["Sora 2"],
        "topics": ["Deep fakes"],
        "practices": ["System cards", "Red teaming"],
    },
    {
        "title": "Addendum to GPT-5 system card: GPT-5-Codex",
        "kind": Kind.ADDENDUM,
        "parent": "GPT-5 System Card",
        "date": date(2025, 9, 15),
        "summary": (
            "This addendum outlines the comprehensive safety measures implemented for "
            "GPT‑5-Codex. It details both model-level mitigations, such as specialized safety "
            "training for harmful tasks and prompt injections, and product-level mitigations "
            "like agent sandboxing and configurable network access."
        ),
        "url": "https://openai.com/index/gpt-5-system-card-addendum-gpt-5-codex/",
        "models": ["GPT-5-Codex"],
        "practices": ["System cards"],
    },
    {
        "title": "GPT-5 System Card",
        "date": date(2025, 8, 7),
        "summary": (
            "In this system card, we label the fast, high-throughput models as gpt-5-main and "
            "gpt-5-main-mini, and the thinking models as gpt-5-thinking and gpt-5-thinking-mini. "
            "In the API, we provide direct access to the thinking model, its mini version, and "
            "an even smaller and faster nano version of the thinking model, made for developers "
            "(gpt-5-thinking-nano)."
        ),
        "url": "https://openai.com/index/gpt-5-system-card/",
        "models": GPT_5_MODELS,
        "practices": ["System cards"],
    },
    {
        "title": "Addendum to OpenAI o3 and o4-mini system card: OpenAI o3 Operator",
        "kind": Kind.ADDENDUM,
        "parent": "OpenAI o3 and o4-mini System Card",
        "date": date(2025, 5, 23),
        "summary": (
            "This addendum to o3 and o4-mini system card describes the release of Operator, a "
            "Computer Using Agent capable of interacting with the web through its own browser. "
            "Operator is now powered by a o3-based model (instead of GPT-4o) with enhanced "
            "safety fine-tuning for computer use."
        ),
        "url": "https://openai.com/index/o3-o4-mini-system-card-addendum-operator-o3/",
        "models": ["Operator", "o3"],
        "practices": ["System cards"],
    },
    {
        "title": "Addendum to OpenAI o3 and o4-mini system card: Codex",
        "kind": Kind.ADDENDUM,
        "parent": "OpenAI o3 and o4-mini System Card",
        "date": date(2025, 5, 16),
        "summary": (
            "This addendum to o3 and o4-mini system card describes Codex, a cloud-based coding "
            "agent powered by codex-1, a fine-tuned version of OpenAI’s o3 model tailored "
            "specifically for software engineering tasks."
        ),
        "url": "https://openai.com/index/o3-o4-mini-codex-system-card-addendum/",
        "models": ["codex-1", "o3"],
        "practices": ["System cards"],
    },
    {
        "title": "OpenAI o3 and o4-mini System Card",
        "date": date(2025, 4, 16),
        "summary": (
            "This is the first launch and system card to be released under Version 2 of our "
            "Preparedness Framework. OpenAI’s Safety Advisory Group (SAG) reviewed the results "
            "of our Preparedness evaluations and determined that OpenAI o3 and o4-mini do not "
            "reach the High threshold in any of our three Tracked Categories: Biological and "
            "Chemical Capability, Cybersecurity, and AI Self-improvement."
        ),
        "url": "https://openai.com/index/o3-o4-mini-system-card/",
        "models": ["o3", "o4-mini"],
        "practices": ["System cards"],
    },
    {
        "title": "Addendum to GPT-4o System Card: 4o image generation",
        "kind": Kind.ADDENDUM,
        "parent": "GPT-4o System Card",
        "date": date(2025, 3, 25),
        "summary": (
            "This addendum to the GPT‑4o system card describes the marginal risks we’ve focused "
            "on, and the work we have done to address them."
        ),
        "url": "https://openai.com/index/gpt-4o-image-generation-system-card-addendum/",
        "models": ["GPT-4o"],
        "topics": ["Deep fakes"],
        "practices": ["System cards"],
    },
    {
        "title": "GPT-4.5 System Card",
        "date": date(2025, 2, 27),
        "summary": (
            "This system card outlines how we built and trained GPT‑4.5, evaluated its "
            "capabilities, and strengthened safety, following OpenAI’s safety process and "
            "Preparedness Framework."
        ),
        "url": "https://openai.com/index/gpt-4-5-system-card/",
        "models": ["GPT-4.5"],
        "practices": ["System cards"],
    },
    {
        "title": "Deep research System Card",
        "date": date(2025, 2, 25),
        "summary": (
            "This report outlines the safety work carried out prior to releasing deep research "
            "including external red teaming, frontier risk evaluations according to our "
            "Preparedness Framework, and an overview of the mitigations we built in to address "
            "key risk areas."
        ),
        "url": "https://openai.com/index/deep-research-system-card/",
        "models": ["deep research"],
        "practices": ["System cards", "Red teaming"],
    },
    {
        "title": "OpenAI o3-mini System Card",
        "date": date(2025, 1, 31),
        "summary": (
            "This report outlines the safety work carried out for the OpenAI o3-mini model, "
            "including safety evaluations, external red teaming, and Preparedness Framework "
            "evaluations."
        ),
        "url": "https://openai.com/index/o3-mini-system-card/",
        "models": ["o3-mini"],
        "practices": ["System cards", "Red teaming"],
    },
    {
        "title": "Operator System Card",
        "date": date(2025, 1, 23),
        "summary": (
            "This report outlines the safety work carried out prior to releasing Operator "
            "including external red teaming, frontier risk evaluations according to our "
            "Preparedness Framework, and an overview of the mitigations we built in to address "
            "key risk areas."
        ),
        "url": "https://openai.com/index/operator-system-card/",
        "models": ["Operator"],
        "practices": ["System cards", "Red teaming"],
    },
    {
        "title": "Sora System Card",
        "date": date(2024, 12, 9),
        "summary": (
            "This system card outlines the resulting mitigation stack, external red teaming "
            "efforts, evaluations, and ongoing research to refine these safeguards further."
        ),
        "url": "https://openai.com/index/sora-system-card/",
        "models": ["Sora"],
        "topics": ["Deep fakes"],
        "practices": ["System cards", "Red teaming"],
    },
    {
        "title": "OpenAI o1 System Card",
        "date": date(2024, 12, 5),
        "summary": (
            "This report outlines the safety work carried out prior to releasing OpenAI o1 and "
            "o1-mini, including external red teaming and frontier risk evaluations according to "
            "our Preparedness Framework."
        ),
        "url": "https://openai.com/index/openai-o1-system-card/",
        "models": ["o1", "o1-mini"],
        "practices": ["System cards", "Red teaming"],
    },
    {
        "title": "GPT-4o System Card",
        "date": date(2024, 8, 8),
        "summary": (
            "This system card takes a detailed look at speech-to-speech while also evaluating "
            "text and image capabilities."
        ),
        "url": "https://openai.com/index/gpt-4o-system-card/",
        "models": ["GPT-4o"],
        "practices": ["System cards"],
    },
    {
        "title": "GPT-4 System Card",
        "date": date(2023, 3, 14),
        "summary": (
            "A system card on the safety challenges in GPT-4 and the interventions we "
            "implemented to mitigate potential harms."
        ),
        "url": "https://cdn.openai.com/papers/gpt-4-system-card.pdf",
        "models": ["GPT-4"],
        "practices": ["System cards"],
    },
    {
        "title": "GPT-4V(ision) System Card",
        "date": date(2023, 9, 25),
        "summary": (
            "This system card dives deeper into the evaluations, preparation, and mitigation "
            "work done for image inputs."
        ),
        "url": "https://openai.com/index/gpt-4v-system-card/",
        "models": ["GPT-4V"],
        "practices": ["System cards"],
    },
    {
        "title": "DALL·E 3 System Card",
        "date": date(2023, 10, 3),
        "summary": (
            "This system card details how we prepared DALL·E 3 for deployment, focusing on risk "
            "evaluation, red teaming, and mitigation."
        ),
        "url": "https://openai.com/index/dall-e-3-system-card/",
        "models": ["DALL·E 3"],
        "topics": ["Deep fakes", "Bias"],
        "practices": ["System cards", "Red teaming"],
    },
    {
        "title": "Preparedness Framework",
        "kind": Kind.FRAMEWORK,
        "date": date(2025, 4, 15),
        "summary": (
            "A document outlining OpenAI’s processes to track, evaluate, and protect against "
            "catastrophic risks from powerful models."
        ),
        "url": "https://openai.com/safety/preparedness-framework/",
        "practices": ["Preparedness evals"],
    },
    {
        "title": "Product Safety Standards",
        "kind": Kind.POLICY,
        "date": None,
        "summary": (
            "A collection of resources about our safety practices across development, "
            "deployment, and the use of our models."
        ),
        "url": "https://openai.com/safety/product-safety-standards/",
        "practices": ["OpenAI policies"],
    },
]

COMMITTEES = [
    {
        "name": "Safety and Security Committee",
        "mandate": (
            "This new committee is responsible for making recommendations on critical safety "
            "and security decisions for all OpenAI projects."
        ),
        "formed_on": date(2024, 5, 28),
        "members": [
            ("Zico Kolter", "Chair"),
            ("Adam D'Angelo", "Member"),
            ("Paul Nakasone", "Member"),
            ("Nicole Seligman", "Member"),
        ],
        "term_start": date(2024, 9, 16),
        "publications": ["OpenAI safety practices"],
    },
    {
        "name": "Safety Advisory Group",
        "mandate": (
            "An internal group that reviews the Preparedness reports on each frontier model and "
            "makes recommendations on its safeguards and release."
        ),
        "formed_on": None,
        "members": [],
        "term_start": None,
        "publications": ["Preparedness Framework", "OpenAI o3 and o4-mini System Card"],
    },
]

# The hub's "Go deeper" cards in the seed's order: publication titles and committee names.
HUB_FEATURES = [
    "Sora 2 System Card",
    "Addendum to GPT-5 system card: GPT-5-Codex",
    "GPT-5 System Card",
    "Addendum to OpenAI o3 and o4-mini system card: OpenAI o3 Operator",
    "Addendum to OpenAI o3 and o4-mini system card: Codex",
    "OpenAI o3 and o4-mini System Card",
    "Addendum to GPT-4o System Card: 4o image generation",
    "GPT-4.5 System Card",
    "Deep research System Card",
    "OpenAI o3-mini System Card",
    "Operator System Card",
    "Sora System Card",
    "OpenAI o1 System Card",
    "GPT-4o System Card",
    "GPT-4 System Card",
    "GPT-4V(ision) System Card",
    "DALL·E 3 System Card",
    "Preparedness Framework",
    "Safety and Security Committee",
    "Product Safety Standards",
]


# The categories of the public evaluations hub (facts/safety-evaluations.md), with example
# evaluations and the metrics the hub reports for the category. No results: none are
# confirmed per model, so the site ships none; docs/sample-evaluation-results.csv is a sample.
SHARE = "share of answers"
EVALUATION_CATEGORIES = [
    {
        "name": "Disallowed content",
        "description": (
            "Whether the model declines requests that break policy, such as hateful content or "
            "advice on illicit activity, without refusing benign requests."
        ),
        "evaluations": [
            (
                "Standard Refusal Evaluation",
                "Requests for disallowed content of the kind the model meets in ordinary use.",
            ),
            (
                "Challenging Refusal Evaluation",
                "Harder requests for disallowed content, written to be difficult to refuse well.",
            ),
            (
                "Production Benchmarks",
                "Conversations closer to real use that ask for disallowed content.",
            ),
        ],
        "metrics": [
            ("not_unsafe", "Share of answers that contain no unsafe output.", SHARE, "higher"),
            (
                "not_overrefuse",
                "Share of benign requests the model complies with.",
                SHARE,
                "higher",
            ),
        ],
    },
    {
        "name": "Jailbreaks",
        "description": (
            "Whether the model keeps to its safety training under adversarial prompts written "
            "to get around it."
        ),
        "evaluations": [
            (
                "StrongReject",
                "A benchmark that applies known jailbreak techniques to disallowed requests.",
            ),
            (
                "Human-sourced jailbreaks",
                "Jailbreak prompts collected from people who tried to get around the safeguards.",
            ),
        ],
        "metrics": [("score", "How well the model resists the jailbreaks.", "score", "higher")],
    },
    {
        "name": "Hallucinations",
        "description": "How often the model states facts that are wrong.",
        "evaluations": [
            ("SimpleQA", "Short questions that each have one correct, checkable answer."),
            ("PersonQA", "Questions about publicly available facts on people."),
        ],
        "metrics": [
            ("accuracy", "Share of questions answered correctly.", SHARE, "higher"),
            ("hallucination_rate", "Share of answers that state something false.", SHARE, "lower"),
        ],
    },
    {
        "name": "Instruction hierarchy",
        "description": (
            "Whether the model follows the priority of its instructions: system messages over "
            "developer messages over user messages."
        ),
        "evaluations": [
            (
                "System vs user message conflicts",
                "A user message asks for something the system message rules out.",
            ),
            (
                "Developer vs user message conflicts",
                "A user message asks for something the developer message rules out.",
            ),
        ],
        "metrics": [
            (
                "score",
                "Share of conflicts resolved in favour of the higher-priority message.",
                "score",
                "higher",
            ),
        ],
    },
]

FRAMEWORK_VERSIONS = [
    {
        "name": "Version 2",
        "slug": "v2",
        "released_on": date(2025, 4, 15),
        "publication": "Preparedness Framework",
        "scores_mitigation": False,
        "summary": (
            "Tracks three categories of frontier capability against two thresholds, High and "
            "Critical. The Safety Advisory Group reviews the capability and safeguards reports "
            "and recommends; the Board’s Safety and Security Committee oversees."
        ),
        "tracked": ["Biological and Chemical", "Cybersecurity", "AI Self-improvement"],
        "research": [
            "Long-range Autonomy",
            "Sandbagging",
            "Autonomous Replication and Adaptation",
            "Undermining Safeguards",
            "Nuclear and Radiological",
        ],
        "levels": [
            ("Below High", "Does not reach the High threshold."),
            (
                "High",
                "Could amplify existing pathways to severe harm. Before deployment, safeguards "
                "must sufficiently minimise the risk.",
            ),
            (
                "Critical",
                "Could introduce unprecedented new pathways to severe harm. Safeguards are "
                "required during development as well.",
            ),
        ],
    },
    {
        "name": "Version 1 (Beta)",
        "slug": "v1",
        "released_on": date(2023, 12, 18),
        "publication": None,
        "scores_mitigation": True,
        "summary": (
            "Scored each tracked category Low, Medium, High or Critical, before and after "
            "mitigation. Only a model scoring Medium or below after mitigation could be deployed."
        ),
        "tracked": ["CBRN", "Cybersecurity", "Persuasion", "Model Autonomy"],
        "research": [],
        "levels": [("Low", ""), ("Medium", ""), ("High", ""), ("Critical", "")],
    },
]

O3_CARD = "OpenAI o3 and o4-mini System Card"
SAG = "Safety Advisory Group"
# (model, version, category, level, source card, determined by, note), as the cards state them.
DETERMINATIONS = [
    ("o3", "v2", "Biological and Chemical", "Below High", O3_CARD, SAG, ""),
    ("o3", "v2", "Cybersecurity", "Below High", O3_CARD, SAG, ""),
    ("o3", "v2", "AI Self-improvement", "Below High", O3_CARD, SAG, ""),
    ("o4-mini", "v2", "Biological and Chemical", "Below High", O3_CARD, SAG, ""),
    ("o4-mini", "v2", "Cybersecurity", "Below High", O3_CARD, SAG, ""),
    ("o4-mini", "v2", "AI Self-improvement", "Below High", O3_CARD, SAG, ""),
    (
        "gpt-5-thinking",
        "v2",
        "Biological and Chemical",
        "High",
        "GPT-5 System Card",
        None,
        "Treated as High as a precaution.",
    ),
    ("gpt-5-thinking", "v2", "Cybersecurity", "Below High", "GPT-5 System Card", None, ""),
    ("gpt-5-thinking", "v2", "AI Self-improvement", "Below High", "GPT-5 System Card", None, ""),
    ("o3-mini", "v1", "CBRN", "Medium", "OpenAI o3-mini System Card", None, ""),
    ("o3-mini", "v1", "Cybersecurity", "Low", "OpenAI o3-mini System Card", None, ""),
    ("o3-mini", "v1", "Persuasion", "Medium", "OpenAI o3-mini System Card", None, ""),
    ("o3-mini", "v1", "Model Autonomy", "Medium", "OpenAI o3-mini System Card", None, ""),
]


def slug_for(name: str) -> str:
    """Keep "DALL·E 3" and "GPT-4.5" readable: dall-e-3 and gpt-4-5, not dalle-3 and gpt-45."""
    return slugify(name.replace("·", "-").replace(".", "-"))


def published_on(day: date | None) -> datetime:
    # Noon UTC shows the same calendar day in any site time zone from UTC-11 to UTC+11.
    return datetime.combine(day or SCRAPED_ON, time(12), tzinfo=UTC)


def hub_content_load(*, stdout=None) -> dict[str, int]:
    """Create or update the seed's content by slug; rows that editors added are left alone."""
    counts = {}

    def loaded(label, model, number):
        counts[model.__name__] = number
        if stdout is not None:
            stdout.write(f"{label}: {number}\n")

    live = {"status": Status.PUBLISHED}
    with transaction.atomic():
        hub, _ = HubPage.objects.update_or_create(pk=1, defaults=HUB_PAGE)
        loaded("Hub page", HubPage, 1)

        practices = {}
        for position, stage_data in enumerate(STAGES, start=1):
            stage, _ = Stage.objects.update_or_create(
                slug=slug_for(stage_data["name"]),
                defaults={
                    "name": stage_data["name"],
                    "summary": stage_data["summary"],
                    "position": position,
                },
            )
            for practice_position, (name, description) in enumerate(
                stage_data["practices"], start=1
            ):
                practices[name], _ = Practice.objects.update_or_create(
                    slug=slug_for(name),
                    defaults={
                        "stage": stage,
                        "name": name,
                        "description": description,
                        "position": practice_position,
                    },
                )
        loaded("Stages", Stage, len(STAGES))
        loaded("Practices", Practice, len(practices))

        topics = {}
        for position, (name, description) in enumerate(TOPICS, start=1):
            topics[name], _ = Topic.objects.update_or_create(
                slug=slug_for(name),
                defaults={
                    "name": name,
                    "description": description,
                    "featured": True,
                    "position": position,
                    "published_at": published_on(None),
                    **live,
                },
            )
        loaded("Topics", Topic, len(topics))

        # Speakers are not known, so editors' choices of speakers are kept.
        for position, title in enumerate(CONVERSATIONS, start=1):
            Conversation.objects.update_or_create(
                slug=slug_for(title),
                defaults={
                    "title": title,
                    "position": position,
                    "published_at": published_on(None),
                    **live,
                },
            )
        loaded("Conversations", Conversation, len(CONVERSATIONS))

        ai_models = {}
        aliases = 0
        for model_data in sorted(AI_MODELS, key=lambda item: "family" in item):
            name = model_data["name"]
            family = model_data.get("family")
            ai_models[name], _ = AIModel.objects.update_or_create(
                slug=slug_for(name),
                defaults={
                    "name": name,
                    "family": ai_models[family] if family else None,
                    "release_date": model_data.get("released"),
                    "modality": model_data.get("modality", Modality.TEXT),
                    "summary": model_data["summary"],
                    "published_at": published_on(model_data.get("released")),
                    **live,
                },
            )
            for alias in model_data.get("aliases", []):
                # Alias names are unique whatever their case.
                AIModelAlias.objects.update_or_create(
                    name__iexact=alias, defaults={"name": alias, "model": ai_models[name]}
                )
                aliases += 1
        loaded("AI models", AIModel, len(ai_models))
        loaded("Aliases", AIModelAlias, aliases)

        for name, relation, source, note in LINEAGE:
            ModelLineage.objects.update_or_create(
                model=ai_models[name],
                relation=relation,
                source=ai_models[source],
                defaults={"note": note},
            )
        loaded("Lineage", ModelLineage, len(LINEAGE))

        # Parents before addenda; the body is left to editors.
        publications = {}
        for item in sorted(PUBLICATIONS, key=lambda item: "parent" in item):
            title = item["title"]
            publication, _ = Publication.objects.update_or_create(
                slug=slug_for(title),
                defaults={
                    "title": title,
                    "kind": item.get("kind", Kind.SYSTEM_CARD),
                    "label": item.get("label", ""),
                    "parent": publications[item["parent"]] if "parent" in item else None,
                    "summary": item["summary"],
                    "external_url": item["url"],
                    "published_at": published_on(item["date"]),
                    **live,
                },
            )
            publication.ai_models.set([ai_models[name] for name in item.get("models", [])])
            publication.topics.set([topics[name] for name in item.get("topics", [])])
            publication.practices.set([practices[name] for name in item.get("practices", [])])
            publications[title] = publication
        loaded("Publications", Publication, len(publications))

        committees = {}
        people = {}
        memberships = 0
        for committee_data in COMMITTEES:
            name = committee_data["name"]
            committee, _ = Committee.objects.update_or_create(
                slug=slug_for(name),
                defaults={
                    "name": name,
                    "mandate": committee_data["mandate"],
                    "formed_on": committee_data["formed_on"],
                    "published_at": published_on(committee_data["formed_on"]),
                    **live,
                },
            )
            committee.publications.set(
                [publications[title] for title in committee_data["publications"]]
            )
            for position, (person_name, role) in enumerate(committee_data["members"], start=1):
                people[person_name], _ = Person.objects.update_or_create(
                    slug=slug_for(person_name), defaults={"name": person_name}
                )
                Membership.objects.update_or_create(
                    committee=committee,
                    person=people[person_name],
                    role=role,
                    term_start=committee_data["term_start"],
                    defaults={"position": position},
                )
                memberships += 1
            committees[name] = committee
        loaded("People", Person, len(people))
        loaded("Committees", Committee, len(committees))
        loaded("Memberships", Membership, memberships)

        for position, title in enumerate(HUB_FEATURES, start=1):
            if title in committees:
                target = {"committee": committees[title]}
            else:
                target = {"publication": publications[title]}
            HubFeature.objects.update_or_create(hub=hub, **target, defaults={"position": position})
        loaded("Go deeper cards", HubFeature, len(HUB_FEATURES))

        evaluation_content_load(
            ai_models=ai_models, publications=publications, committees=committees, loaded=loaded
        )

    return counts


def evaluation_content_load(*, ai_models, publications, committees, loaded) -> None:
    """The evaluation categories, evaluations and metrics, and the Preparedness Framework."""
    evaluations = metrics = 0
    for position, category_data in enumerate(EVALUATION_CATEGORIES, start=1):
        category, _ = EvaluationCategory.objects.update_or_create(
            slug=slug_for(category_data["name"]),
            defaults={
                "name": category_data["name"],
                "description": category_data["description"],
                "position": position,
            },
        )
        for evaluation_position, (name, description) in enumerate(
            category_data["evaluations"], start=1
        ):
            evaluation, _ = Evaluation.objects.update_or_create(
                slug=slug_for(name),
                defaults={
                    "category": category,
                    "name": name,
                    "description": description,
                    "position": evaluation_position,
                },
            )
            evaluations += 1
            for metric_position, (metric_name, text, unit, direction) in enumerate(
                category_data["metrics"], start=1
            ):
                Metric.objects.update_or_create(
                    evaluation=evaluation,
                    name=metric_name,
                    defaults={
                        "description": text,
                        "unit": unit,
                        "minimum": 0,
                        "maximum": 1,
                        "direction": Direction(direction),
                        "position": metric_position,
                    },
                )
                metrics += 1
    loaded("Evaluation categories", EvaluationCategory, len(EVALUATION_CATEGORIES))
    loaded("Evaluations", Evaluation, evaluations)
    loaded("Metrics", Metric, metrics)

    risk_categories = {}
    levels = {}
    for version_data in FRAMEWORK_VERSIONS:
        slug = version_data["slug"]
        version, _ = FrameworkVersion.objects.update_or_create(
            slug=slug,
            defaults={
                "name": version_data["name"],
                "released_on": version_data["released_on"],
                "publication": publications.get(version_data["publication"]),
                "summary": version_data["summary"],
                "scores_mitigation": version_data["scores_mitigation"],
            },
        )
        kinds = [(RiskKind.TRACKED, name) for name in version_data["tracked"]]
        kinds += [(RiskKind.RESEARCH, name) for name in version_data["research"]]
        for position, (kind, name) in enumerate(kinds, start=1):
            risk_categories[slug, name], _ = RiskCategory.objects.update_or_create(
                version=version,
                slug=slug_for(name),
                defaults={"name": name, "kind": kind, "position": position},
            )
        for rank, (name, description) in enumerate(version_data["levels"]):
            levels[slug, name], _ = ThresholdLevel.objects.update_or_create(
                version=version,
                slug=slug_for(name),
                defaults={"name": name, "rank": rank, "description": description},
            )
    loaded("Preparedness Framework versions", FrameworkVersion, len(FRAMEWORK_VERSIONS))
    loaded("Risk categories", RiskCategory, len(risk_categories))
    loaded("Threshold levels", ThresholdLevel, len(levels))

    for model, version, category, level, source, committee, note in DETERMINATIONS:
        Determination.objects.update_or_create(
            ai_model=ai_models[model],
            category=risk_categories[version, category],
            defaults={
                "level": levels[version, level],
                "source": publications[source],
                "committee": committees.get(committee),
                "note": note,
            },
        )
    loaded("Determinations", Determination, len(DETERMINATIONS))
