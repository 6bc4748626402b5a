"""Seeded demo content for Counterpoint.

Pure data: the anchor article (summarised in our own words), demo users,
discussion threads and debates. No URLs are given for the article itself.
"""

from __future__ import annotations

ARTICLE = {
    "slug": "sora-leak",
    "title": "OpenAI's Sora leaks",
    "question": "How do we balance innovation with intellectual property?",
    "attribution": (
        "A summary, in our own words, of the article \"OpenAI's Sora leaks — "
        "How do we balance innovation with intellectual property?\", created November 27."
    ),
    "passages": [
        {
            "anchor": "in-brief",
            "heading": "In brief",
            "body": (
                "A group of artists who had been given early access to **Sora**, OpenAI's "
                "text-to-video model that had not yet been released, opened that access up to the "
                "public as an act of protest. The episode puts a spotlight on the friction between "
                "the companies building generative AI and the creative people whose skills and "
                "feedback those systems rely on."
            ),
        },
        {
            "anchor": "the-unveiling-of-sora",
            "heading": "The unveiling of Sora",
            "body": (
                "OpenAI announced Sora earlier in the year as a model that turns a written prompt "
                "into high-definition video. What set it apart from earlier systems was length and "
                "coherence: clips of up to about a minute that keep their visual quality and stay "
                "close to what the prompt asked for. The company presented it as a new instrument "
                "for filmmakers, designers and artists, one that could put ambitious ideas on screen "
                "without a crew or a large budget."
            ),
        },
        {
            "anchor": "artists-involvement-and-growing-discontent",
            "heading": "Artists' involvement and growing discontent",
            "body": (
                "Ahead of any public launch, OpenAI brought in several hundred artists, designers "
                "and filmmakers as outside testers, a practice called *red-teaming*, in which people "
                "from outside the development team probe a model for flaws and risks. In return for "
                "feedback they got early access. Over time many of them came to feel used: they "
                "described the pay as minimal and the collaboration as one-way, and under the name "
                "**PR Puppets** they argued that their unpaid effort mostly served OpenAI's publicity. "
                "Their open letter stressed that AI itself was not the target — \"We are not against "
                "the use of AI technology as a tool for the arts,\" the group wrote — but rather the "
                "way the artist programme was run and the direction the tool was taking before a "
                "possible public release."
            ),
        },
        {
            "anchor": "the-leak-and-its-aftermath",
            "heading": "The leak and its aftermath",
            "body": (
                "In protest, the group made Sora usable by anyone through an interface posted on "
                "Hugging Face, the AI developer platform, routing requests through the API access "
                "they had as testers and sidestepping OpenAI's controlled testing setup. It did not "
                "last long: OpenAI quickly cut off early access and repeated that Sora was still "
                "only a research preview. The company said that taking part in testing had always "
                "been voluntary, described its caution as weighing creative freedom against strong "
                "safety measures for a wider rollout, and pointed to the grants, events and other "
                "programmes it runs for artists."
            ),
        },
        {
            "anchor": "broader-implications-for-the-creative-industry",
            "heading": "Broader implications for the creative industry",
            "body": (
                "The leak came amid a wider backlash. Shortly before, more than 11,000 creative "
                "professionals — including Julianne Moore, Kevin Bacon and Thom Yorke of "
                "Radiohead — had signed a separate open letter describing generative AI as "
                "a serious and unfair threat to the livelihoods of creative workers. Their worries "
                "range from lost jobs and a devaluing of human craft to artists' work being used to "
                "train models without permission, and the lack of clear rules or ethical standards "
                "leaves many of them unsure what their future in the industry looks like."
            ),
        },
        {
            "anchor": "toward-fair-collaboration",
            "heading": "Toward fair collaboration",
            "body": (
                "The article reads the episode as a warning that AI developers and creators need to "
                "work together openly and on fair terms. In its view that means frameworks that "
                "protect artists' rights without shutting out new technology: taking the ethical "
                "questions seriously, paying people properly, and treating artists as real partners "
                "rather than promotional props. Only then, it argues, can AI deliver on its promise "
                "without wearing away creative work and the people who make it."
            ),
        },
    ],
}

USERS = [
    {
        "username": "maya",
        "role": "member",
        "display_name": "Maya Okafor",
        "bio": "Media studies grad and part-time video editor. Interested in who gets to make things, and who gets paid when they do.",
    },
    {
        "username": "sam_mod",
        "role": "moderator",
        "display_name": "Sam Reyes",
        "bio": "Community moderator. I try to keep threads civil, on topic and honest about the strongest version of each side.",
    },
    {
        "username": "prof_lee",
        "role": "instructor",
        "display_name": "Dr. Hana Lee",
        "bio": "Teaches technology ethics and media policy. Uses Counterpoint for seminar debates; will ask you for your sources.",
    },
    {
        "username": "inkwell_ines",
        "role": "member",
        "display_name": "Ines Duarte",
        "bio": "Freelance illustrator (editorial and children's books). Has spent more hours than she'd like tagging her portfolio against scraping.",
    },
    {
        "username": "tomas_ml",
        "role": "member",
        "display_name": "Tomás Varga",
        "bio": "Machine-learning engineer working on evaluation and safety tooling for generative models. Views my own.",
    },
    {
        "username": "counsel_priya",
        "role": "member",
        "display_name": "Priya Natarajan",
        "bio": "Copyright and licensing lawyer for independent studios and publishers. Nothing here is legal advice.",
    },
    {
        "username": "jonah_films",
        "role": "member",
        "display_name": "Jonah Whitfield",
        "bio": "Second-year film student. Shoots shorts on borrowed gear and worries about what entry-level crew jobs will look like.",
    },
    {
        "username": "pixelforge_kai",
        "role": "member",
        "display_name": "Kai Lindqvist",
        "bio": "Indie game developer, two-person studio. Open-source fan who also needs to sell enough copies to pay rent.",
    },
    # The site's admin and a second moderator (README: demo accounts).
    {
        "username": "ada_admin",
        "role": "admin",
        "display_name": "Ada Mensah",
        "bio": "Runs this Counterpoint: articles, accounts and roles. Ask here for an instructor or moderator role.",
    },
    {
        "username": "noor_mod",
        "role": "moderator",
        "display_name": "Noor Haddad",
        "bio": "Volunteer moderator, evenings and weekends (UTC+3). Flags get read; appeals get a second pair of eyes.",
    },
    # The students of the demo class (CLASS below), in prof_lee's seminar.
    {"username": "ben_okoro", "role": "member", "display_name": "Ben Okoro",
     "bio": "Second-year computer science. Builds small tools with open models."},
    {"username": "cleo_park", "role": "member", "display_name": "Cleo Park",
     "bio": "Illustration minor; sells prints at weekend markets."},
    {"username": "dev_patel", "role": "member", "display_name": "Dev Patel",
     "bio": "Law and economics. Here for the licensing questions."},
    {"username": "ella_moss", "role": "member", "display_name": "Ella Moss",
     "bio": "Film production student; edits other people's shorts for practice."},
    {"username": "finn_oduya", "role": "member", "display_name": "Finn Oduya",
     "bio": "Philosophy. Likes arguments with the premises written out."},
    {"username": "gia_russo", "role": "member", "display_name": "Gia Russo",
     "bio": "Music technology; has opinions about sampling."},
]

DISCUSSIONS = [
    # ------------------------------------------------------------------
    {
        "title": "Protest or sabotage? What did the Sora leak actually accomplish?",
        "author": "maya",
        "passage": "the-leak-and-its-aftermath",
        "body": (
            "I keep going back and forth on this one. The testers had real grievances — hundreds of "
            "artists doing feedback work for, by their account, very little pay — and a letter on its "
            "own would probably have been ignored for weeks. But putting access on Hugging Face meant "
            "strangers could generate video through access that was never the artists' to share.\n\n"
            "So: was this **legitimate protest**, or did it cross a line that makes the grievances "
            "easier to dismiss? And did it change anything, given how fast OpenAI shut it down?"
        ),
        "replies": [
            {
                "author": "tomas_ml",
                "body": (
                    "From the engineering side, the *shut down so fast* part is the interesting bit. "
                    "Because the artists exposed an access path rather than the model itself, OpenAI "
                    "could revoke it almost instantly. Nothing about Sora's internals left the building.\n\n"
                    "That makes me see it less as sabotage and more as a very loud demo. The damage was "
                    "bounded by how it was done, whether or not the artists planned it that way."
                ),
                "replies": [
                    {
                        "author": "counsel_priya",
                        "body": (
                            "Bounded technically, perhaps, but not legally. Testers almost certainly agreed "
                            "to terms about not sharing their access, and handing it to the public is a "
                            "breach however quickly it was revoked. *It didn't do much damage* is an "
                            "argument for leniency, not a justification."
                        ),
                        "replies": [
                            {
                                "author": "maya",
                                "body": (
                                    "Isn't that true of most protest, though? A sit-in is trespass. The "
                                    "question I care about is whether the breach was proportionate to the "
                                    "grievance, not whether it was permitted."
                                ),
                                "replies": [
                                    {
                                        "author": "counsel_priya",
                                        "body": (
                                            "Fair. Civil disobedience traditionally means breaking the rule "
                                            "openly and accepting the consequences, and the group did put "
                                            "its name to a public letter, which counts for something.\n\n"
                                            "Where I'm less sure is the people who used the interface during "
                                            "those hours. Did they understand they were taking part in "
                                            "someone else's protest, with someone else's access?"
                                        ),
                                        "replies": [
                                            {
                                                "author": "prof_lee",
                                                "body": (
                                                    "That's a distinction worth keeping: the protesters "
                                                    "accepted a risk for themselves, while the public users "
                                                    "may not have known there was one. When you assess "
                                                    "proportionality, ask *who bore the cost* as well as "
                                                    "how big it was."
                                                ),
                                                "replies": [],
                                            },
                                        ],
                                    },
                                ],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "inkwell_ines",
                "body": (
                    "As an illustrator, what stuck with me is the name they chose. **PR Puppets** says "
                    "they felt their presence *was* the product: a roster of artists that made the model "
                    "look artist-friendly. If that's the grievance, then the leak is almost the only move "
                    "that turns the show back on the company. A polite letter would just have been more content."
                ),
                "replies": [
                    {
                        "author": "jonah_films",
                        "body": (
                            "But their own letter says they aren't against AI tools. Giving everyone free Sora "
                            "for an afternoon is a strange way to argue that the tool needs more care before "
                            "release. If anything it showcased the product."
                        ),
                        "replies": [
                            {
                                "author": "inkwell_ines",
                                "body": (
                                    "I read it the other way. It showed the tool was usable enough to hand "
                                    "out, so the holdup is about terms and control, not readiness. That's "
                                    "exactly their point about the programme being PR."
                                ),
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "sam_mod",
                "body": (
                    "Trying to keep both sides honest: OpenAI's position is that participation was voluntary "
                    "and that it supports artists through grants and events. Anyone defending the leak "
                    "should engage with that directly. If you could walk away at any time, what made "
                    "leaking a better option than leaving loudly?"
                ),
                "replies": [
                    {
                        "author": "maya",
                        "body": (
                            "Leaving loudly is nearly invisible. One artist quits a test programme and nobody "
                            "hears about it. Early access is leverage only while you still have it, and the "
                            "moment you walk away it's gone."
                        ),
                        "replies": [],
                    },
                ],
            },
        ],
    },
    # ------------------------------------------------------------------
    {
        "title": "What would real collaboration between AI labs and artists look like?",
        "author": "inkwell_ines",
        "passage": "artists-involvement-and-growing-discontent",
        "body": (
            "Both the letter and the article keep coming back to *collaboration* and *partnership*. I "
            "want to pin down what that would mean in practice, because early access on its own clearly "
            "wasn't it for the testers.\n\n"
            "My starter list:\n\n"
            "- **Pay for testing time** at a professional rate, not in credits or exposure\n"
            "- **Say up front** how testers' work and outputs may be used in marketing\n"
            "- **A real feedback channel** that gets a written answer, even when the answer is no\n\n"
            "What would you add or cut?"
        ),
        "replies": [
            {
                "author": "pixelforge_kai",
                "body": (
                    "I'd add: testers keep the rights to what they make during testing, and nothing gets "
                    "featured in promos without a separate, paid agreement. In games, playtesters sign "
                    "NDAs, but nobody expects their sessions to end up in the trailer."
                ),
                "replies": [
                    {
                        "author": "tomas_ml",
                        "body": (
                            "Reasonable, but there's a tension: red-teaming output is partly the *failures* "
                            "you find, and labs need to keep and study those. Maybe split it. The lab can "
                            "use outputs internally for safety and evaluation work, but showcasing them "
                            "needs consent and a fee."
                        ),
                        "replies": [
                            {
                                "author": "inkwell_ines",
                                "body": (
                                    "I'd sign that. An internal-use versus showcase split is clearer than "
                                    "anything I've seen in an actual tester agreement."
                                ),
                                "replies": [
                                    {
                                        "author": "counsel_priya",
                                        "body": (
                                            "It's also easy to draft. A licence limited to evaluation and "
                                            "safety research, with a separate publicity clause, is routine "
                                            "in other industries. The hard part isn't the wording, it's "
                                            "having the leverage to get it."
                                        ),
                                        "replies": [],
                                    },
                                ],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "prof_lee",
                "body": (
                    "A question for the thread: OpenAI points to grants, events and other programmes for "
                    "artists. Are those a form of *compensation*, or something else? I ask because my "
                    "students often treat sponsorship and payment as interchangeable, and I don't think "
                    "they are."
                ),
                "replies": [
                    {
                        "author": "inkwell_ines",
                        "body": (
                            "Something else, to me. A grant is discretionary: the company picks who gets it "
                            "and can stop whenever it likes. Payment for testing is owed for work already "
                            "done. Blurring the two lets a company look generous while avoiding the obligation."
                        ),
                        "replies": [
                            {
                                "author": "sam_mod",
                                "body": (
                                    "Playing devil's advocate: for many early-career artists, a grant plus "
                                    "visibility might be worth more than an hourly rate. Should the programme "
                                    "be judged by what testers could have negotiated, or by a principle?"
                                ),
                                "replies": [
                                    {
                                        "author": "jonah_films",
                                        "body": (
                                            "Speaking as one of those early-career people: visibility is "
                                            "worth something, but only when you choose it. The complaint "
                                            "wasn't that exposure is worthless, it was about not being asked "
                                            "before your name became part of the pitch."
                                        ),
                                        "replies": [],
                                    },
                                ],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "jonah_films",
                "body": (
                    "Also: give testers a voice in release decisions, even if only as an advisory panel. "
                    "Hundreds of artists had concerns about where the tool was heading; if they have no say "
                    "at all on timing, *collaboration* is a generous word."
                ),
                "replies": [
                    {
                        "author": "tomas_ml",
                        "body": (
                            "Advisory, fine. Binding, I'd resist. A release decision involves safety, legal "
                            "and infrastructure questions testers never see, and handing one stakeholder "
                            "group a veto would be a governance mess."
                        ),
                        "replies": [],
                    },
                ],
            },
        ],
    },
    # ------------------------------------------------------------------
    {
        "title": "Minute-long HD video from a prompt: what happens to entry-level film work?",
        "author": "jonah_films",
        "passage": "the-unveiling-of-sora",
        "body": (
            "I'm in my second year of film school, and the jump Sora represents (coherent clips up to "
            "a minute long, in high definition, that actually follow the prompt) lands right on top of "
            "the jobs people like me start in: stock footage, pre-vis, b-roll, short social ads.\n\n"
            "I don't think the sky is falling for feature films. But every career ladder has bottom "
            "rungs, and I'm not sure who's protecting them."
        ),
        "replies": [
            {
                "author": "tomas_ml",
                "body": (
                    "Honest take from someone who builds these systems: a minute of coherent video is "
                    "impressive, but production work is mostly *revisions*. 'Same shot, but she turns left, "
                    "and match the lighting from the last scene' is still hard for generative models. I'd "
                    "expect pre-vis and mood reels to change first, long before crews get replaced."
                ),
                "replies": [
                    {
                        "author": "jonah_films",
                        "body": (
                            "Pre-vis is exactly the rung I mean, though. If the storyboard artist and the "
                            "pre-vis team shrink to one person with a prompt box, that's fewer places for "
                            "anyone to learn the craft."
                        ),
                        "replies": [
                            {
                                "author": "pixelforge_kai",
                                "body": (
                                    "Games went through a version of this with procedural generation and asset "
                                    "stores. Entry roles didn't vanish; they shifted toward people who could "
                                    "curate and fix generated material. It was painful, and the pay didn't "
                                    "always follow, but the work was there."
                                ),
                                "replies": [
                                    {
                                        "author": "inkwell_ines",
                                        "body": (
                                            "> the pay didn't always follow\n\n"
                                            "That clause is doing a lot of work. Fixing generated material "
                                            "tends to be billed as less skilled, so it's paid less, even when "
                                            "it takes the same eye. That is the livelihood fear behind the "
                                            "11,000-signature letter in a nutshell."
                                        ),
                                        "replies": [],
                                    },
                                ],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "maya",
                "body": (
                    "Counterpoint: the same capability lowers the cost of making anything at all. A student "
                    "who can't afford a crew can now pitch with something that looks real. Isn't that "
                    "innovation working for the people with the *least* access?"
                ),
                "replies": [
                    {
                        "author": "inkwell_ines",
                        "body": (
                            "Only if the model wasn't built on the work of those same people, taken without "
                            "asking. A democratised tool trained on uncompensated work is a strange kind of access."
                        ),
                        "replies": [
                            {
                                "author": "maya",
                                "body": (
                                    "That's an objection to the training data, not to the capability. Would "
                                    "you be fine with Sora if every clip it learned from had been licensed?"
                                ),
                                "replies": [
                                    {
                                        "author": "inkwell_ines",
                                        "body": (
                                            "Much more fine, yes. I'd still worry about the market, but "
                                            "consent and payment would make it a fair fight instead of a "
                                            "rigged one."
                                        ),
                                        "replies": [],
                                    },
                                ],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "prof_lee",
                "body": (
                    "For anyone writing on this for class: the article presents Sora as a tool *for* "
                    "filmmakers and also reports creators' fears of being displaced *by* it. Both can be "
                    "true at once. A useful exercise is to list which tasks get cheaper, and who is "
                    "currently paid to do them."
                ),
                "replies": [],
            },
        ],
    },
    # ------------------------------------------------------------------
    {
        "title": "If you were writing the rules: consent, opt-out, or a compensation pool?",
        "author": "counsel_priya",
        "passage": "broader-implications-for-the-creative-industry",
        "body": (
            "The article ends by calling for frameworks that protect artists while still allowing "
            "progress, but it doesn't say what those would be. So let's try. Roughly, the options are:\n\n"
            "1. **Opt-in consent**: no training on a work unless the rights holder agrees\n"
            "2. **Opt-out**: training is allowed unless the rights holder objects in a machine-readable way\n"
            "3. **Statutory licensing**: training is allowed, but developers pay into a pool shared out "
            "to creators, as already happens for some uses of music\n\n"
            "Each has obvious problems. Which would you pick, and how would you fix its weak spot?"
        ),
        "replies": [
            {
                "author": "tomas_ml",
                "body": (
                    "Opt-out is the only one I think actually scales. Opt-in at web scale means either you "
                    "license from a handful of huge catalogue owners, who'd capture most of the money, or "
                    "you don't train at all. Individual artists could end up *worse* off under opt-in than "
                    "under a well-enforced opt-out."
                ),
                "replies": [
                    {
                        "author": "inkwell_ines",
                        "body": (
                            "Opt-out puts the burden on the people with the least time and the fewest lawyers. "
                            "I've spent hours adding no-AI flags to my portfolio sites, and I have no way to "
                            "check whether anyone respects them."
                        ),
                        "replies": [
                            {
                                "author": "tomas_ml",
                                "body": (
                                    "That's a real enforcement gap, agreed. Mandatory disclosure of training "
                                    "sources would help: if labs had to publish what they collected, you "
                                    "could at least verify."
                                ),
                                "replies": [
                                    {
                                        "author": "counsel_priya",
                                        "body": (
                                            "Disclosure is the piece I'd bet on politically. It's less radical "
                                            "than a licensing regime, and it makes every other remedy "
                                            "enforceable. Without it, consent and opt-out are both mostly theory."
                                        ),
                                        "replies": [],
                                    },
                                ],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "pixelforge_kai",
                "body": (
                    "I'd take the pool. Music has lived with collective licensing for a long time. It's "
                    "imperfect, but songwriters get cheques. The alternative looks like years of lawsuits "
                    "where the only winners are the people who can afford to sue."
                ),
                "replies": [
                    {
                        "author": "counsel_priya",
                        "body": (
                            "The catch with pools is distribution. Music works because plays can be counted. "
                            "How do you measure one illustrator's contribution to a model trained on billions "
                            "of images? Any formula will look arbitrary."
                        ),
                        "replies": [
                            {
                                "author": "pixelforge_kai",
                                "body": (
                                    "Arbitrary but paid beats precise but zero, surely? Even a flat share per "
                                    "registered creator would be more than most artists see today."
                                ),
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "sam_mod",
                "body": (
                    "Worth remembering that the Sora dispute sat partly outside all three options. The "
                    "testers' complaint was about their *labour* during testing, not about training data. A "
                    "framework that only covers datasets would have left the PR Puppets' grievance untouched."
                ),
                "replies": [
                    {
                        "author": "prof_lee",
                        "body": (
                            "Good point, and it separates two questions that policy debates tend to blur:\n\n"
                            "- **rights in inputs** (training data), and\n"
                            "- **terms for work** (testing, prompting, fine-tuning).\n\n"
                            "Different tools fit each: copyright for the first, labour and contract law "
                            "for the second."
                        ),
                        "replies": [],
                    },
                ],
            },
        ],
    },
    # ------------------------------------------------------------------
    {
        "title": "Is 'open innovation' on the artists' side, or against them?",
        "author": "pixelforge_kai",
        "passage": None,
        "body": (
            "I'm in an odd position. I'm usually the one arguing for open models, open weights, "
            "anyone-can-build. And here the artists used an open platform, Hugging Face, to force a "
            "closed model open for a while. So openness won?\n\n"
            "Except a lot of artists I know see *open* as the problem: open scraping, open datasets, "
            "everything free to take. I'm trying to work out whether openness and creators' rights are "
            "really opposed, or just framed that way."
        ),
        "replies": [
            {
                "author": "tomas_ml",
                "body": (
                    "They're opposed only if *open* means open inputs. Open weights and open code are "
                    "about who can use and inspect the tool. You could have a fully open model trained "
                    "only on licensed or public-domain material. It would just be smaller and worse, for now."
                ),
                "replies": [
                    {
                        "author": "pixelforge_kai",
                        "body": (
                            "*Smaller and worse, for now* is the whole tension, though. Nobody will pick the "
                            "ethical model if the scraped one is better."
                        ),
                        "replies": [
                            {
                                "author": "counsel_priya",
                                "body": (
                                    "Which is an argument for rules that apply to everyone, so the ethical "
                                    "model isn't competing against a free-rider. Markets rarely reward "
                                    "restraint by themselves."
                                ),
                                "replies": [
                                    {
                                        "author": "tomas_ml",
                                        "body": (
                                            "I'd add one condition: restrictive rules tend to favour the "
                                            "incumbents who have already trained. Whatever gets passed "
                                            "shouldn't leave the existing scraped models as the only ones "
                                            "anyone is allowed to have."
                                        ),
                                        "replies": [
                                            {
                                                "author": "prof_lee",
                                                "body": (
                                                    "This is the *grandfathering* problem, and it turns up in "
                                                    "almost every technology regulation. One common answer is "
                                                    "to attach obligations such as disclosure or payment to "
                                                    "deploying a model, not only to training it, so that "
                                                    "earlier models aren't exempt."
                                                ),
                                                "replies": [],
                                            },
                                        ],
                                    },
                                ],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "inkwell_ines",
                "body": (
                    "From where I sit, openness isn't the enemy; **asymmetry** is. Artists' work is open to "
                    "the labs, but the labs' models, data and terms are closed to artists. The testers had "
                    "the least visibility of anyone and were the ones asked to trust the process."
                ),
                "replies": [
                    {
                        "author": "maya",
                        "body": (
                            "That's a sharp way to put it. The leak was a brief reversal of that asymmetry."
                        ),
                        "replies": [
                            {
                                "author": "sam_mod",
                                "body": (
                                    "Only for access, though, not for data or decisions. Nothing about what "
                                    "Sora was trained on became any more visible because of the leak."
                                ),
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "author": "jonah_films",
                "body": (
                    "Honest question: does anyone know whether the artists in the programme ever saw what "
                    "Sora was trained on? If not, how could they judge where the tool was heading, which "
                    "was half of their complaint?"
                ),
                "replies": [
                    {
                        "author": "counsel_priya",
                        "body": (
                            "Nothing in the reporting says they did, and it would be unusual: training data is "
                            "generally treated as a trade secret. Which is itself a good example of the "
                            "asymmetry described above."
                        ),
                        "replies": [],
                    },
                ],
            },
        ],
    },
]

DEBATES = [
    # ==================================================================
    {
        "title": "Red-team artists should be paid for their testing work",
        "description": (
            "OpenAI recruited several hundred creatives from art, design and film to red-team Sora before "
            "release. Some of them later said the compensation was minimal and that their participation "
            "was being used for publicity; OpenAI replied that taking part was voluntary and pointed to "
            "its grants and events for artists.\n\n"
            "This motion asks whether outside creative testers of a commercial AI model are owed "
            "**payment for the testing itself**: not grants, not early access, not visibility. Arguing "
            "*pro* means defending a duty to pay; arguing *con* means defending voluntary, unpaid or "
            "lightly compensated participation as legitimate."
        ),
        "pro_label": "Pay the testers",
        "con_label": "Voluntary is fine",
        "author": "prof_lee",
        "passage": "artists-involvement-and-growing-discontent",
        "arguments": [
            {
                "stance": "pro",
                "author": "inkwell_ines",
                # A sentence of the article the argument quotes (domain/anchors.py).
                "quote": "In return for feedback they got early access.",
                "body": (
                    "**Testing is work, and the value flows one way.** Finding failure modes, writing "
                    "useful feedback and producing example outputs takes professional skill and hours. "
                    "OpenAI is a commercial company; the improvements those hours produce end up in a "
                    "product it will sell. When the value created is commercial, *voluntary* is not a "
                    "substitute for a fee. We don't accept unpaid internships at profitable firms on that "
                    "basis either."
                ),
                "sources": [],
                "replies": [
                    {
                        "stance": "pro",
                        "author": "counsel_priya",
                        "body": (
                            "And the work is specified by the company: testers are asked to probe particular "
                            "risks, in a particular format, on the company's schedule. Once someone else sets "
                            "the task and the deadline, calling it a hobby stops being accurate."
                        ),
                        "sources": [],
                        "replies": [],
                    },
                    {
                        "stance": None,
                        "author": "jonah_films",
                        "body": (
                            "Does anyone know how many hours a typical tester actually put in? The argument is "
                            "much stronger at forty hours a month than at two."
                        ),
                        "sources": [],
                        "replies": [],
                    },
                    {
                        "stance": "con",
                        "author": "tomas_ml",
                        "body": (
                            "The internship comparison cuts the other way too. Early access to a frontier "
                            "model has real value to a working creative: you learn the tool months before "
                            "competitors, and being linked to a high-profile launch can raise your profile. "
                            "That's compensation in kind, even if it isn't cash."
                        ),
                        "sources": [],
                        "replies": [
                            {
                                "stance": "con",
                                "author": "inkwell_ines",
                                "body": (
                                    "Payment in kind only works when both sides agree on what it's worth, and "
                                    "the testers publicly said they didn't. That's the whole dispute. Besides, "
                                    "*you'll learn the tool first* serves the company's adoption goals at least "
                                    "as much as it serves the artist."
                                ),
                                "sources": [],
                                "replies": [
                                    {
                                        "stance": "con",
                                        "author": "sam_mod",
                                        "body": (
                                            "But they did agree, in the sense that they signed up knowing the "
                                            "terms. Doesn't changing your mind afterwards weaken the claim that "
                                            "you were owed more?"
                                        ),
                                        "sources": [],
                                        "replies": [
                                            {
                                                "stance": "con",
                                                "author": "counsel_priya",
                                                "body": (
                                                    "Not necessarily. Accepting a bargain doesn't settle "
                                                    "whether the bargain is fair; that's why minimum-wage "
                                                    "rules exist even though every underpaid worker "
                                                    "technically accepted the job. The motion asks what "
                                                    "testers *should* get, not what they agreed to."
                                                ),
                                                "sources": [],
                                                "replies": [],
                                            },
                                        ],
                                    },
                                ],
                            },
                        ],
                    },
                ],
            },
            {
                "stance": "pro",
                "author": "counsel_priya",
                "body": (
                    "**Payment creates accountability on both sides.** A paid engagement comes with a "
                    "contract: defined scope, deliverables, confidentiality, and clear rules on whether "
                    "outputs can be used in marketing. The vagueness of an unpaid programme is exactly what "
                    "let artists feel like publicity props. Paying turns a loose *programme* into an "
                    "agreement with enforceable terms, which protects the company as well, as the leak "
                    "arguably showed."
                ),
                "sources": [],
                "replies": [
                    {
                        "stance": None,
                        "author": "jonah_films",
                        "body": (
                            "Question: would paid testers have been *more* tightly bound by confidentiality? "
                            "If so, is this partly an argument from the company's own self-interest?"
                        ),
                        "sources": [],
                        "replies": [
                            {
                                "stance": "pro",
                                "author": "sam_mod",
                                "body": (
                                    "Probably yes, and I'd call that a strength of the argument rather than a "
                                    "weakness. A proposal is more persuasive when the other party gains from it too."
                                ),
                                "sources": [],
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "stance": "pro",
                "author": "pixelforge_kai",
                "body": (
                    "**The rest of the security world already pays.** Bug bounty programmes pay outside "
                    "researchers for the flaws they find, and professional red teams are a paid discipline. "
                    "Asking artists to probe a model for harmful or low-quality output is the same job "
                    "applied to a creative domain. Singling out artists as the group expected to do it for "
                    "free says more about how we value creative labour than about the work."
                ),
                "sources": [
                    {"title": "Red team (Wikipedia)", "url": "https://en.wikipedia.org/wiki/Red_team"},
                    {"title": "Bug bounty program (Wikipedia)", "url": "https://en.wikipedia.org/wiki/Bug_bounty_program"},
                ],
                "replies": [
                    {
                        "stance": "con",
                        "author": "tomas_ml",
                        "body": (
                            "Bug bounties pay for *findings*, not for participation; most people in a bounty "
                            "programme earn nothing. Follow the analogy and artists should be paid for "
                            "documented, valuable issues, not for being on the roster."
                        ),
                        "sources": [],
                        "replies": [
                            {
                                "stance": "con",
                                "author": "inkwell_ines",
                                "body": (
                                    "That's still payment, which is what the motion asks for. I'd happily take a "
                                    "findings-based model over what was offered. But creative feedback doesn't "
                                    "split into tidy bugs. A note like *this flattens every art style into the "
                                    "same look* is valuable and impossible to price per item."
                                ),
                                "sources": [],
                                "replies": [
                                    {
                                        "stance": None,
                                        "author": "prof_lee",
                                        "body": (
                                            "A useful point for anyone preparing a closing statement: does the "
                                            "pro side need to defend one particular payment model, or only the "
                                            "principle that *some* payment is owed?"
                                        ),
                                        "sources": [],
                                        "replies": [],
                                    },
                                ],
                            },
                        ],
                    },
                ],
            },
            {
                "stance": "pro",
                "author": "maya",
                "body": (
                    "**Unpaid programmes select for the already comfortable.** Who can afford weeks of "
                    "unpaid testing? Established artists with other income, or people at studios that can "
                    "absorb the time. If red-teaming is meant to show how a model affects creative "
                    "communities broadly, unpaid participation skews the feedback toward those least at "
                    "risk, which is exactly the wrong sample."
                ),
                "sources": [],
                "replies": [
                    {
                        "stance": "con",
                        "author": "sam_mod",
                        "body": (
                            "Plausible, but do we know the Sora cohort was skewed? The article mentions "
                            "several hundred people across art, design and film, which sounds fairly broad."
                        ),
                        "sources": [],
                        "replies": [
                            {
                                "stance": "con",
                                "author": "maya",
                                "body": (
                                    "We don't know, and that's partly my point: without pay there's no "
                                    "obligation to recruit for representativeness. Breadth in *numbers* isn't "
                                    "breadth in *circumstances*."
                                ),
                                "sources": [],
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "stance": "con",
                "author": "tomas_ml",
                "body": (
                    "**Voluntary programmes let labs test with far more people.** Budgets are finite. A "
                    "programme paying professional rates might take on a few dozen testers; a voluntary one "
                    "can take hundreds, as Sora's did. For surfacing risks across many styles and uses, "
                    "breadth matters more than depth. Mandatory pay would shrink exactly the diversity of "
                    "feedback the pro side says it cares about."
                ),
                "sources": [],
                "replies": [
                    {
                        "stance": "con",
                        "author": "maya",
                        "body": (
                            "OpenAI is not a small lab on a tight budget. Paying several hundred testers a "
                            "fair rate is a rounding error next to the cost of training a video model. Breadth "
                            "versus pay is a false trade-off at that scale."
                        ),
                        "sources": [],
                        "replies": [
                            {
                                "stance": "con",
                                "author": "tomas_ml",
                                "body": (
                                    "The motion isn't only about OpenAI, though. If paid testing becomes the "
                                    "norm, smaller labs and academic groups that do red-teaming are the first to "
                                    "be priced out."
                                ),
                                "sources": [],
                                "replies": [
                                    {
                                        "stance": None,
                                        "author": "prof_lee",
                                        "body": (
                                            "A good example of why motions need careful reading. Does *red-team "
                                            "artists* mean testers of any model, or testers of commercial "
                                            "models? The two sides might agree on different answers to each."
                                        ),
                                        "sources": [],
                                        "replies": [
                                            {
                                                "stance": None,
                                                "author": "inkwell_ines",
                                                "body": (
                                                    "I'd read it as commercial models, since the whole context "
                                                    "is a company preparing a product. Academic red-teaming is a "
                                                    "different relationship: nobody sells the result."
                                                ),
                                                "sources": [],
                                                "replies": [],
                                            },
                                        ],
                                    },
                                ],
                            },
                        ],
                    },
                ],
            },
            {
                "stance": "con",
                "author": "sam_mod",
                "body": (
                    "**Consent was real, and the exit was open.** Nobody was conscripted. The terms were "
                    "known at sign-up, and anyone who found them unfair could leave. Treating a freely chosen "
                    "arrangement as exploitation is a kind of paternalism adults don't need, and it "
                    "discourages companies from offering early access at all, which many artists *do* value."
                ),
                "sources": [],
                "replies": [
                    {
                        "stance": "con",
                        "author": "counsel_priya",
                        "body": (
                            "Being free to leave doesn't fix the power imbalance at the start. When a handful "
                            "of companies control access to frontier tools, an artist's choice is between these "
                            "terms and no access at all. That's hardly a negotiation."
                        ),
                        "sources": [],
                        "replies": [
                            {
                                "stance": "con",
                                "author": "sam_mod",
                                "body": (
                                    "But no access is where every non-tester started anyway. The testers were "
                                    "strictly better off than the general public, not worse."
                                ),
                                "sources": [],
                                "replies": [
                                    {
                                        "stance": "con",
                                        "author": "inkwell_ines",
                                        "body": (
                                            "Better off than the public isn't the test. They got less than the "
                                            "value they produced for the company, and that gap is what fairness "
                                            "in an exchange usually measures."
                                        ),
                                        "sources": [],
                                        "replies": [],
                                    },
                                ],
                            },
                        ],
                    },
                ],
            },
            {
                "stance": "con",
                "author": "jonah_films",
                "body": (
                    "**Payment changes the feedback.** Paid testers become contractors with an incentive to "
                    "keep the client happy. One reason the Sora testers could go public with their criticism, "
                    "letter and all, is that they weren't on the payroll. Independent, unpaid feedback may be "
                    "the more honest kind, and the more useful one for the public."
                ),
                "sources": [],
                "replies": [
                    {
                        "stance": "con",
                        "author": "pixelforge_kai",
                        "body": (
                            "Auditors are paid and still expected to be independent. The fix for captured "
                            "feedback is contract terms that protect criticism, not refusing to pay."
                        ),
                        "sources": [],
                        "replies": [
                            {
                                "stance": "con",
                                "author": "jonah_films",
                                "body": (
                                    "Auditors have professional bodies and legal liability behind their "
                                    "independence. Creative testers have nothing like that; a paid tester who "
                                    "criticises publicly just doesn't get invited back."
                                ),
                                "sources": [],
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
        ],
    },
    # ==================================================================
    {
        "title": "Training on public work without permission is fair use",
        "description": (
            "Generative video models like Sora learn from enormous amounts of existing material, and "
            "one of the concerns the article reports is artists' work being used for training without "
            "their agreement. Whether that is lawful is being argued in courts and legislatures right "
            "now, and the answer may differ from country to country.\n\n"
            "For this motion, treat *fair use* in both its legal sense (the four-factor test in US law) "
            "and its everyday sense of what is fair. **Pro** argues that training on publicly available "
            "work without asking is a legitimate, transformative use. **Con** argues that permission, "
            "and probably payment, should be required."
        ),
        "pro_label": "It's fair use",
        "con_label": "Permission required",
        "author": "sam_mod",
        "passage": "broader-implications-for-the-creative-industry",
        "arguments": [
            {
                "stance": "pro",
                "author": "tomas_ml",
                "body": (
                    "**Training is analysis, not copying for display.** A model learns statistical patterns "
                    "across millions of works; it doesn't keep a gallery to hand out. That is much closer to "
                    "a person studying a genre than to reproducing a particular piece. Courts have treated "
                    "large-scale copying for analysis as transformative before; the Google Books case is the "
                    "usual example."
                ),
                "sources": [
                    {
                        "title": "Authors Guild, Inc. v. Google, Inc. (Wikipedia)",
                        "url": "https://en.wikipedia.org/wiki/Authors_Guild,_Inc._v._Google,_Inc.",
                    },
                ],
                "replies": [
                    {
                        "stance": "con",
                        "author": "counsel_priya",
                        "body": (
                            "Google Books is the best precedent for the pro side, but it's weaker than it "
                            "looks. The court relied on Google showing only snippets and on the tool helping "
                            "people *find* books rather than replacing them. A video model that outputs new "
                            "footage into the markets where the trained-on artists sell footage raises a very "
                            "different market-harm question."
                        ),
                        "sources": [],
                        "replies": [
                            {
                                "stance": "con",
                                "author": "tomas_ml",
                                "body": (
                                    "The market-harm factor asks about substitution for the *original works*, "
                                    "not for a whole genre. A Sora clip doesn't stand in for any specific film "
                                    "it learned from."
                                ),
                                "sources": [],
                                "replies": [
                                    {
                                        "stance": "con",
                                        "author": "inkwell_ines",
                                        "body": (
                                            "That's a lawyerly line that doesn't match how the harm lands. If a "
                                            "client can prompt for something in the style of my portfolio "
                                            "instead of hiring me, my specific work is being substituted, even "
                                            "if no single image is copied."
                                        ),
                                        "sources": [],
                                        "replies": [
                                            {
                                                "stance": None,
                                                "author": "counsel_priya",
                                                "body": (
                                                    "Worth flagging that style as such isn't protected by "
                                                    "copyright, so that point is strongest as a policy argument "
                                                    "and weaker as a legal one. As the description says, both "
                                                    "are fair game in this motion."
                                                ),
                                                "sources": [],
                                                "replies": [],
                                            },
                                        ],
                                    },
                                ],
                            },
                        ],
                    },
                ],
            },
            {
                "stance": "pro",
                "author": "pixelforge_kai",
                "body": (
                    "**A permission rule would lock in the incumbents.** Licensing billions of works one by "
                    "one is impossible, so requiring permission means only companies that already own huge "
                    "catalogues, or that trained before the rule, can build models. Independent developers, "
                    "open-source projects and researchers lose the most. Fair use is what keeps this field "
                    "from being owned by a handful of firms."
                ),
                "sources": [],
                "replies": [
                    {
                        "stance": "con",
                        "author": "inkwell_ines",
                        "body": (
                            "That's an argument for a better licensing system, not for taking work for free. "
                            "Collective licensing exists precisely to solve the too-many-rights-holders problem."
                        ),
                        "sources": [],
                        "replies": [
                            {
                                "stance": "con",
                                "author": "pixelforge_kai",
                                "body": (
                                    "Collective licensing works where a collecting body already exists. For "
                                    "visual artists and independent filmmakers there mostly isn't one, so in "
                                    "practice *license it* means licensing from whoever aggregated the work: "
                                    "stock agencies and platforms, not individual artists."
                                ),
                                "sources": [],
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "stance": "pro",
                "author": "maya",
                "body": (
                    "**Everyone learns from public work.** Every illustrator, filmmaker and novelist trained "
                    "on what came before, without permission and without paying. The idea that studying "
                    "publicly available work is free is older than copyright itself. If we want to object "
                    "to AI, the objection should target outputs that copy specific works, and existing law "
                    "already handles those."
                ),
                "sources": [],
                "replies": [
                    {
                        "stance": "con",
                        "author": "jonah_films",
                        "body": (
                            "Scale and speed change the moral picture. A film student absorbing influences "
                            "over years and a model ingesting everything in weeks, then producing on demand for "
                            "anyone, aren't the same act just because the word *learning* fits both."
                        ),
                        "sources": [],
                        "replies": [
                            {
                                "stance": "con",
                                "author": "tomas_ml",
                                "body": (
                                    "Scale changes the economics, sure. But law doesn't usually make an act "
                                    "infringing just because it's done faster. If it's fine for one person, the "
                                    "case against it at scale has to be about *harm*, not about learning."
                                ),
                                "sources": [],
                                "replies": [
                                    {
                                        "stance": None,
                                        "author": "prof_lee",
                                        "body": (
                                            "A nice crux. Notice that both sides now agree the real question is "
                                            "harm to creators. That's where the strongest closing arguments "
                                            "will be made."
                                        ),
                                        "sources": [],
                                        "replies": [],
                                    },
                                ],
                            },
                        ],
                    },
                ],
            },
            {
                "stance": "con",
                "author": "inkwell_ines",
                "body": (
                    "**Consent is the baseline everywhere else.** If a company wants to use my illustrations "
                    "in an ad, it asks and it pays. Feeding them into a commercial product that then competes "
                    "with me is a *bigger* use, not a smaller one. Being publicly visible has never meant "
                    "being free for commercial use. Posting work online is how artists find clients, not a waiver."
                ),
                "sources": [],
                "replies": [
                    {
                        "stance": "con",
                        "author": "maya",
                        "body": (
                            "Publicly visible work is used without permission all the time: search engines "
                            "index it, critics discuss it, students copy it for practice. Consent is the "
                            "baseline for *reproduction*, and the pro side's claim is that training isn't "
                            "reproduction."
                        ),
                        "sources": [],
                        "replies": [
                            {
                                "stance": "con",
                                "author": "inkwell_ines",
                                "body": (
                                    "Search engines send traffic back to me. Critics and students don't sell a "
                                    "replacement. The uses we tolerate without consent are the ones that don't "
                                    "undercut the artist, and that's the line."
                                ),
                                "sources": [],
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "stance": "con",
                "author": "counsel_priya",
                "body": (
                    "**The market factor weighs against it.** US fair use turns on four factors, and the "
                    "effect on the market for the original carries a lot of weight. Generative models are "
                    "sold into the very markets (illustration, stock footage, commercial video) where the "
                    "trained-on creators earn a living. The Supreme Court's 2023 *Warhol* decision also "
                    "narrowed *transformative* where a use serves the same commercial purpose as the "
                    "original, and training to produce competing commercial content fits that uncomfortably well."
                ),
                "sources": [
                    {"title": "U.S. Copyright Office Fair Use Index", "url": "https://www.copyright.gov/fair-use/"},
                    {
                        "title": "Andy Warhol Foundation for the Visual Arts, Inc. v. Goldsmith (Wikipedia)",
                        "url": "https://en.wikipedia.org/wiki/Andy_Warhol_Foundation_for_the_Visual_Arts,_Inc._v._Goldsmith",
                    },
                ],
                "replies": [
                    {
                        "stance": "con",
                        "author": "tomas_ml",
                        "body": (
                            "*Warhol* was about licensing one specific image for a magazine cover. Stretching "
                            "it to model training assumes courts will treat a training set like a single "
                            "licensed photo, which is far from settled."
                        ),
                        "sources": [],
                        "replies": [
                            {
                                "stance": "con",
                                "author": "counsel_priya",
                                "body": (
                                    "Agreed that it's unsettled, which is why I'd call it the direction of "
                                    "travel rather than a holding. The point is that *transformative* no longer "
                                    "ends the analysis on its own."
                                ),
                                "sources": [],
                                "replies": [
                                    {
                                        "stance": None,
                                        "author": "jonah_films",
                                        "body": (
                                            "For those of us outside the US: does any of this apply elsewhere? "
                                            "The 11,000 signatories weren't all American."
                                        ),
                                        "sources": [],
                                        "replies": [
                                            {
                                                "stance": None,
                                                "author": "prof_lee",
                                                "body": (
                                                    "Short answer: fair use as such is a US doctrine. Many other "
                                                    "countries rely on narrower, listed exceptions, and some, "
                                                    "like the EU, have specific text-and-data-mining rules that "
                                                    "let rights holders opt out. The ethical half of this motion "
                                                    "travels better than the legal half."
                                                ),
                                                "sources": [],
                                                "replies": [],
                                            },
                                        ],
                                    },
                                ],
                            },
                        ],
                    },
                ],
            },
            {
                "stance": "con",
                "author": "jonah_films",
                "body": (
                    "**Fair use was built for people responding to people.** Its classic purposes, such as "
                    "criticism, commentary, teaching and parody, are about someone engaging with a work. "
                    "Training a model doesn't respond to any work; it extracts value from all of them at once. "
                    "Squeezing that into a doctrine designed for a reviewer quoting a paragraph is a category "
                    "error, and creators shouldn't bear the cost of the mismatch."
                ),
                "sources": [
                    {"title": "Fair use (Wikipedia)", "url": "https://en.wikipedia.org/wiki/Fair_use"},
                ],
                "replies": [
                    {
                        "stance": "con",
                        "author": "pixelforge_kai",
                        "body": (
                            "The doctrine has stretched before, to software interoperability, thumbnails in "
                            "image search and digitised libraries. Flexibility is the whole point of a "
                            "balancing test."
                        ),
                        "sources": [],
                        "replies": [
                            {
                                "stance": "con",
                                "author": "jonah_films",
                                "body": (
                                    "Those stretches were all for uses that pointed people back to the original "
                                    "or let things work together. None of them built a product that replaces "
                                    "the original authors."
                                ),
                                "sources": [],
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
        ],
    },
    # ==================================================================
    {
        "title": "The artists were right to leak access",
        "description": (
            "Frustrated by what they saw as minimal pay and a one-sided programme, a group of Sora's "
            "artist testers made the model publicly usable through Hugging Face until OpenAI cut off "
            "early access. Supporters call it justified civil disobedience that forced attention onto the "
            "terms of AI-artist collaboration. Critics call it a breach of trust that undermined safety "
            "testing and the testers' own credibility.\n\n"
            "Judge the act itself: given what the testers knew and the options open to them, **was "
            "leaking access the right call?**"
        ),
        "pro_label": "Right to leak",
        "con_label": "Wrong way to protest",
        "author": "prof_lee",
        "passage": "the-leak-and-its-aftermath",
        "arguments": [
            {
                "stance": "pro",
                "author": "inkwell_ines",
                "body": (
                    "**Nothing else would have been heard.** By the testers' own account, their concerns "
                    "about pay and publicity weren't being addressed inside the programme. One more letter "
                    "from unpaid testers would have vanished within a news cycle. The leak put the terms of "
                    "AI-artist collaboration in front of a wide audience, and it came with a signed letter "
                    "explaining exactly why. That's what effective protest looks like."
                ),
                "sources": [
                    {"title": "Civil disobedience (Wikipedia)", "url": "https://en.wikipedia.org/wiki/Civil_disobedience"},
                ],
                "replies": [
                    {
                        "stance": "con",
                        "author": "counsel_priya",
                        "body": (
                            "Effective isn't the same as right; plenty of effective tactics are unjustified. "
                            "The pro side needs to show the harm was *proportionate*, not just that it got "
                            "attention."
                        ),
                        "sources": [],
                        "replies": [
                            {
                                "stance": "con",
                                "author": "inkwell_ines",
                                "body": (
                                    "Then let's weigh it. The harm: a short spell of unauthorised access to a "
                                    "model OpenAI was already preparing to release, quickly revoked. The "
                                    "benefit: a public debate about the working terms of hundreds of people. "
                                    "That's a proportionate trade."
                                ),
                                "sources": [],
                                "replies": [
                                    {
                                        "stance": "con",
                                        "author": "tomas_ml",
                                        "body": (
                                            "You're counting the harm that happened, not the risk that was "
                                            "taken. The testers couldn't know in advance how fast access would "
                                            "be cut, or what people would generate with a model whose safety "
                                            "work wasn't finished."
                                        ),
                                        "sources": [],
                                        "replies": [
                                            {
                                                "stance": "con",
                                                "author": "maya",
                                                "body": (
                                                    "Bounded risk is still risk, but it isn't unlimited. API "
                                                    "access can be revoked at any moment, and the testers "
                                                    "surely knew they weren't handing out the model itself. "
                                                    "Compare that with releasing a model's weights, which can "
                                                    "never be taken back."
                                                ),
                                                "sources": [],
                                                "replies": [],
                                            },
                                        ],
                                    },
                                ],
                            },
                        ],
                    },
                ],
            },
            {
                "stance": "pro",
                "author": "maya",
                "body": (
                    "**The testers had a standing no outsider had.** They weren't random hackers; they were "
                    "the people the company had chosen to represent artists in its process. When those "
                    "insiders conclude the process is a PR exercise, exposing it has the character of "
                    "whistleblowing. We generally think insiders who reveal a gap between an organisation's "
                    "claims and its practice do something valuable, even when they break rules to do it."
                ),
                "sources": [
                    {"title": "Whistleblowing (Wikipedia)", "url": "https://en.wikipedia.org/wiki/Whistleblowing"},
                ],
                "replies": [
                    {
                        "stance": "con",
                        "author": "sam_mod",
                        "body": (
                            "Whistleblowing reveals hidden information: fraud, danger, wrongdoing. What did the "
                            "leak reveal that the letter didn't? The public learned that Sora existed and "
                            "worked, which OpenAI had already shown. The leak gave away access, not evidence."
                        ),
                        "sources": [],
                        "replies": [
                            {
                                "stance": "con",
                                "author": "maya",
                                "body": (
                                    "It showed the tool could be used by the public at scale while the company "
                                    "was still calling it a research preview. That gap between the framing and "
                                    "the reality was the evidence."
                                ),
                                "sources": [],
                                "replies": [
                                    {
                                        "stance": None,
                                        "author": "jonah_films",
                                        "body": (
                                            "Is that a real gap, though? A model can work well in a demo and "
                                            "still not be ready for release for reasons we can't see. I'd want "
                                            "more than a few hours of public use before treating that as proven."
                                        ),
                                        "sources": [],
                                        "replies": [],
                                    },
                                ],
                            },
                        ],
                    },
                ],
            },
            {
                "stance": "pro",
                "author": "pixelforge_kai",
                "body": (
                    "**The fairness of the deal matters.** The usual objection is that the artists broke an "
                    "agreement. But the pro side's whole claim is that the agreement itself was unfair: "
                    "artists' work and names used for publicity on terms they never really negotiated. If "
                    "the bargain was exploitative, breaching it to expose that is far easier to defend than "
                    "breaching a fair one."
                ),
                "sources": [],
                "replies": [
                    {
                        "stance": "con",
                        "author": "counsel_priya",
                        "body": (
                            "That logic lets anyone void any agreement they later decide was unfair. Contracts "
                            "exist precisely so that disputes get settled by something other than self-help."
                        ),
                        "sources": [],
                        "replies": [
                            {
                                "stance": "con",
                                "author": "pixelforge_kai",
                                "body": (
                                    "In principle, yes. In practice, where's the forum? Individual artists aren't "
                                    "going to sue a major AI lab over tester terms. When the formal route is "
                                    "unrealistic, self-help is what's left."
                                ),
                                "sources": [],
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "stance": "con",
                "author": "tomas_ml",
                "body": (
                    "**It undercut the safety testing that red-teaming exists for.** A research preview "
                    "exists so problems can be found and fixed before the public gets the tool. Opening "
                    "access early, even briefly, let people use the model outside the monitoring and "
                    "controls the test environment was built around. Whatever you think of OpenAI's pay, "
                    "the protest degraded a process that protects everyone."
                ),
                "sources": [
                    {"title": "Red team (Wikipedia)", "url": "https://en.wikipedia.org/wiki/Red_team"},
                    {
                        "title": "Sora (text-to-video model) (Wikipedia)",
                        "url": "https://en.wikipedia.org/wiki/Sora_(text-to-video_model)",
                    },
                ],
                "replies": [
                    {
                        "stance": "con",
                        "author": "inkwell_ines",
                        "body": (
                            "How do we know the public interface skipped the safeguards? It ran through the "
                            "company's own API, which presumably applied whatever filters the testers had. "
                            "*It bypassed safety* gets asserted more often than it gets shown."
                        ),
                        "sources": [],
                        "replies": [
                            {
                                "stance": "con",
                                "author": "tomas_ml",
                                "body": (
                                    "Fair, I can't prove which checks applied. But the test environment also "
                                    "controlled *who* had access. That's a safety measure in itself, and it's "
                                    "the one that was bypassed."
                                ),
                                "sources": [],
                                "replies": [
                                    {
                                        "stance": "pro",
                                        "author": "sam_mod",
                                        "body": (
                                            "And it's the one that had knock-on effects: OpenAI's response was "
                                            "to shut down early access altogether, which affected every tester, "
                                            "including those who had no part in the leak."
                                        ),
                                        "sources": [],
                                        "replies": [
                                            {
                                                "stance": None,
                                                "author": "prof_lee",
                                                "body": (
                                                    "That effect on testers who didn't take part is worth "
                                                    "developing. Pro side: what do you say to the artists who "
                                                    "lost access because of a protest they never joined?"
                                                ),
                                                "sources": [],
                                                "replies": [],
                                            },
                                        ],
                                    },
                                ],
                            },
                        ],
                    },
                ],
            },
            {
                "stance": "con",
                "author": "counsel_priya",
                "body": (
                    "**It handed the company the better story.** Before the leak, the headline could have "
                    "been underpaid artists. Afterwards, OpenAI could truthfully say testing was voluntary "
                    "and stress safety, while the artists had to defend a breach. Tactics that let the other "
                    "side change the subject damage the cause they serve, including for future testers, who "
                    "will likely face tighter agreements and fewer invitations."
                ),
                "sources": [],
                "replies": [
                    {
                        "stance": "con",
                        "author": "maya",
                        "body": (
                            "The article itself suggests otherwise. It leads with the artists' grievances and "
                            "ends with a call for fair pay and genuine partnership. The story readers took away "
                            "was the artists' story."
                        ),
                        "sources": [],
                        "replies": [
                            {
                                "stance": "con",
                                "author": "counsel_priya",
                                "body": (
                                    "One article isn't the whole coverage, and the long-term effect on tester "
                                    "agreements won't show up in the first week of headlines. I'd want to see "
                                    "whether future programmes become more generous or just more locked down."
                                ),
                                "sources": [],
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "stance": "con",
                "author": "jonah_films",
                "body": (
                    "**Better options existed.** The testers could have resigned together, published their "
                    "letter with the examples they had, and briefed journalists, keeping every moral advantage "
                    "without breaching anything. A named walkout from a flagship programme would have been "
                    "news in its own right. Choosing the leak over that looks more like spectacle than necessity."
                ),
                "sources": [],
                "replies": [
                    {
                        "stance": "con",
                        "author": "inkwell_ines",
                        "body": (
                            "A walkout only works if enough people join, and early-career artists risk more by "
                            "going public than by quietly staying in. A leak needs only a few people willing to "
                            "take the risk."
                        ),
                        "sources": [],
                        "replies": [
                            {
                                "stance": None,
                                "author": "sam_mod",
                                "body": (
                                    "Which raises a question for both sides: if a tactic needs only a few "
                                    "people, how do we know it reflects the views of the wider group of testers?"
                                ),
                                "sources": [],
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
        ],
    },
]


# ======================================================================
# Reactions on the debates: ∆ "changed my view" (argument index among the
# debate's top-level arguments, awarder, explanation in our own words) and
# where each demo member stood before and after reading (-2 … +2).
DEBATE_REACTIONS = {
    "Red-team artists should be paid for their testing work": {
        "deltas": [
            (2, "tomas_ml",
             "I had filed red-teaming under 'feedback', which people give for free all the time. The "
             "comparison with bug bounties and professional red teams made me see it as a security job "
             "that simply happens to need artistic skill."),
            (3, "sam_mod",
             "I was focused on whether consent was real. I hadn't thought about who can afford to give "
             "that consent: an unpaid programme quietly filters out the artists with the least money, "
             "and that changes the feedback the lab gets."),
            (6, "counsel_priya",
             "I assumed payment could only make testing better. The point that paid testers become "
             "contractors who may soften criticism, and that the unpaid ones were the ones free to go "
             "public, made me less sure a fee alone fixes this."),
        ],
        "polls": {"maya": (1, 2), "sam_mod": (-1, 0), "prof_lee": (0, 1), "inkwell_ines": (2, 2),
                  "tomas_ml": (-2, -1), "counsel_priya": (1, 1), "jonah_films": (0, -1),
                  "pixelforge_kai": (1, 2)},
    },
    "Training on public work without permission is fair use": {
        "deltas": [
            (4, "tomas_ml",
             "I treated fair use as mostly a question of whether the model copies. Walking through the "
             "market factor showed me that a tool which competes with the very works it learned from "
             "is a much harder case than I had allowed."),
            (1, "jonah_films",
             "My instinct was that permission is obviously fair. I hadn't weighed that a licensing "
             "requirement at this scale mostly helps the companies rich enough to pay for it, and "
             "could shut out open and smaller projects entirely."),
        ],
        "polls": {"maya": (1, 0), "sam_mod": (0, -1), "prof_lee": (0, 0), "inkwell_ines": (-2, -2),
                  "tomas_ml": (2, 1), "counsel_priya": (-1, -2), "jonah_films": (-1, -1),
                  "pixelforge_kai": (2, 2)},
    },
    "The artists were right to leak access": {
        "deltas": [
            (5, "maya",
             "I defended the leak because it seemed like the only way to be heard. The list of other "
             "options, resigning together and publishing the letter with examples, showed me they had "
             "real alternatives that would not have undercut the testing."),
            (1, "counsel_priya",
             "I saw the leak as outsiders breaking the rules. Remembering that these were the people "
             "the company itself had picked to speak for artists in the programme made their protest "
             "look more like dissent from inside than sabotage."),
        ],
        "polls": {"maya": (2, 1), "sam_mod": (-1, -1), "prof_lee": (0, -1), "inkwell_ines": (2, 2),
                  "tomas_ml": (-2, -2), "counsel_priya": (-1, 0), "jonah_films": (0, -1),
                  "pixelforge_kai": (1, 1)},
    },
}


# --- The demo class: prof_lee's seminar, two class debates ----------------------------------
# One debate runs (its rebuttals are open now), one is over: closed, graded and released.
# "sides" gives each student's side; "openings" and "rebuttals" are written in those phases
# (a rebuttal answers the opening of `answers`, a student of the other side). Times are
# relative to the moment the demo is seeded; the class's zone is its own.

CLASS = {
    "name": "Technology Ethics 101",
    "term": "Spring seminar",
    "description": "Weekly seminar on who gains and who pays when new technology arrives. "
                   "Debates follow the readings; sides are assigned.",
    "time_zone": "Europe/London",
    "instructor": "prof_lee",
    "students": ["ben_okoro", "cleo_park", "dev_patel", "ella_moss", "finn_oduya", "gia_russo"],
    "announcement": {
        "title": "Welcome: how our debates work",
        "body": "Each debate runs in phases: **opening statements** for your side, **rebuttals** that answer "
                "the other side, **closing statements**, then the **final vote**. The banner on the debate says "
                "what is open and until when. Word limits are per post. Grades use the rubric on each debate.",
    },
    "debates": [
        {
            "title": "Artists who test unreleased AI models should be paid as professional contractors",
            "body": "The Sora testers said they gave hundreds of hours of skilled feedback for little or no pay. "
                    "Should that work be contracted and paid at professional rates, or is early access a fair "
                    "exchange?",
            # Short: a side's name heads the columns and the poll's table on a phone.
            "pro_label": "Pay them as pros",
            "con_label": "Access is fair pay",
            "anonymous": True,
            "state": "rebuttal",
            "sides": {"ben_okoro": "pro", "dev_patel": "pro", "finn_oduya": "pro",
                      "cleo_park": "con", "ella_moss": "con", "gia_russo": "con"},
            "word_limits": {"opening": 150, "rebuttal": 120, "closing": 120},
            "openings": [
                ("ben_okoro", "Testing a model is skilled work: you design prompts that find failures, you write up "
                              "what broke and why, and you do it on a schedule the company sets. We pay "
                              "penetration testers and QA contractors for exactly this. Calling it an "
                              "\"opportunity\" does not make the hours free for the people who give them."),
                ("cleo_park", "Nobody was forced to join. Early access gave these artists something money can't "
                              "easily buy: months ahead of everyone else with a new tool, and a voice in how it "
                              "works. Many built portfolios and audiences from it. That is a real exchange, and "
                              "plenty of artists would take it again."),
                ("dev_patel", "The feedback became part of the product. When the company uses your judgement to "
                              "shape something it will sell, that is a contribution with commercial value, and "
                              "contract law already has a name for it: services rendered. Pay the rate, sign the "
                              "NDA, and both sides know where they stand."),
                ("ella_moss", "Paying every tester at contractor rates would shrink the programme to a handful of "
                              "big studios. Open, unpaid access let independent artists in: the very people "
                              "this forum worries about. Make the terms clear instead, and let people choose."),
                ("finn_oduya", "If access were the real payment, the company would not need to control what "
                               "testers say about it. The conditions were those of a job, so the pay should be "
                               "a job's too."),
                ("gia_russo", "Musicians beta-test instruments and plugins for free all the time, in exchange for "
                              "early gear and credit. It works because both sides want the thing to be good. "
                              "Turning every tester into a contractor changes that relationship for the worse."),
            ],
            "rebuttals": [
                ("cleo_park", "ben_okoro", "Penetration testers are hired for a deliverable. These testers were "
                                           "invited to explore a tool. The comparison stretches the word \"work\"."),
                ("dev_patel", "ella_moss", "Independent artists are exactly the ones who cannot afford to give "
                                           "away hundreds of hours. Unpaid programmes favour those who already "
                                           "have money, not the independents."),
                ("gia_russo", "finn_oduya", "Plugin betas have NDAs too. Confidentiality is about an unreleased "
                                            "product, not proof that the testers were employees."),
            ],
            "polls_before": {"ben_okoro": 2, "cleo_park": -1, "dev_patel": 1, "ella_moss": -1, "finn_oduya": 1,
                             "gia_russo": 0},
        },
        {
            "title": "Leaking access to Sora was a justified protest",
            "body": "A group of testers opened their early access to the public to protest how they were treated. "
                    "Was that a justified protest, or a breach of trust that hurt their own cause?",
            "pro_label": "A justified protest",
            "con_label": "A breach of trust",
            "anonymous": False,
            "state": "graded",
            "sides": {"cleo_park": "pro", "ella_moss": "pro", "finn_oduya": "pro",
                      "ben_okoro": "con", "dev_patel": "con", "gia_russo": "con"},
            "word_limits": {"opening": 150, "rebuttal": 120},
            "openings": [
                ("cleo_park", "Letters and complaints had gone nowhere. A protest is meant to be seen; opening "
                              "access for a few hours made the testers' terms a public question overnight."),
                ("ella_moss", "No user data leaked and nothing was stolen from the public: the testers shared a "
                              "tool they had been given. The harm was to a launch plan, and that is what "
                              "protests disrupt."),
                ("finn_oduya", "Civil disobedience accepts a cost to make a point that could not be made "
                               "otherwise. The testers did that, in their own names."),
                ("ben_okoro", "They agreed to terms and broke them. Whatever the grievance, the next programme "
                              "will be smaller and more closed, which hurts the artists who come after."),
                ("dev_patel", "The leak exposed the company to misuse of an unreleased model. A protest that "
                              "risks harm to third parties is hard to call justified."),
                ("gia_russo", "The message got lost in the story about the leak. The testers' pay became a "
                              "footnote to a security incident."),
            ],
            "rebuttals": [
                ("ben_okoro", "cleo_park", "Being seen is not the same as being justified. Many harmful acts are "
                                           "highly visible."),
                ("ella_moss", "dev_patel", "Access lasted hours and was shut quickly; the risk to third parties "
                                           "was small next to the issue it raised."),
                ("finn_oduya", "gia_russo", "Then the coverage is to blame, not the protest: the letter was "
                                            "published with it, and it was read."),
                ("dev_patel", "finn_oduya", "Civil disobedience also means accepting the consequences openly. "
                                            "Several testers stayed anonymous."),
            ],
            "polls_before": {"ben_okoro": -1, "cleo_park": 1, "dev_patel": -2, "ella_moss": 0, "finn_oduya": 1,
                             "gia_russo": -1},
            "polls_after": {"ben_okoro": -1, "cleo_park": 2, "dev_patel": -1, "ella_moss": 1, "finn_oduya": 1,
                            "gia_russo": 0},
            # Points per rubric criterion (evidence, reasoning, engagement, civility) and a comment.
            "grades": {
                "ben_okoro": ((3, 4, 3, 5), "Clear position; bring evidence from the article next time."),
                "cleo_park": ((4, 4, 3, 5), "Good framing of why visibility mattered."),
                "dev_patel": ((4, 5, 4, 5), "Strong on third-party risk, and answered the other side directly."),
                "ella_moss": ((3, 3, 4, 5), "Your rebuttal engaged well; the opening needed a source."),
                "finn_oduya": ((2, 4, 4, 5), "Good use of civil disobedience; support the claims with facts."),
                "gia_russo": ((3, 3, 2, 5), "An interesting point about coverage; develop it further."),
            },
        },
    ],
}
