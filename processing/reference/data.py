"""Reference data shipped with the ROPA register (GDPR / UK GDPR Article 30).

Pure-Python constants only (no Django imports). A data migration loads each
list idempotently into its table, keyed on ``code``: codes are unique within
each list and must never be changed once released (add new entries instead).

``dpv_iri`` values point at W3C Data Privacy Vocabulary (DPV 2.2) concepts
(dpv core, ``pd`` personal data extension, ``eu-gdpr`` legal extension); the
tests hold each of them to the DPV 2.2 term list in ``tests/data``. Where DPV
has no matching concept, the project's own IRI under ``ROPA_NS`` is used instead.

Each term's French name (for the CNIL layout) is in ``french.py``, by code.

Legal status reflects the position as of early 2026, including the UK Data
(Use and Access) Act 2025 provisions commenced on 5 February 2026 (recognised
legitimate interests; the reworked UK GDPR Chapter V transfer regime).
Adequacy lists change: review them whenever a decision or regulation is
adopted, amended or withdrawn.
"""

ROPA_NS = "https://w3id.org/ropa-register/ns#"

DPV = "https://w3id.org/dpv#"
PD = "https://w3id.org/dpv/pd#"
EU_GDPR = "https://w3id.org/dpv/legal/eu/gdpr#"


# ---------------------------------------------------------------------------
# 1. Lawful bases (Art 6(1) GDPR / UK GDPR)
# ---------------------------------------------------------------------------

LAWFUL_BASES = [
    {
        "code": "A6-1-a",
        "article": "Art 6(1)(a)",
        "label": "Consent",
        "kind": "consent",
        "jurisdiction": "eu_uk",
        "dpv_iri": EU_GDPR + "A6-1-a",
        "description": (
            "The individual has given freely given, specific, informed and "
            "unambiguous consent for one or more specific purposes, which you "
            "must be able to evidence and which they can withdraw as easily as "
            "they gave it."
        ),
    },
    {
        "code": "A6-1-b",
        "article": "Art 6(1)(b)",
        "label": "Contract",
        "kind": "contract",
        "jurisdiction": "eu_uk",
        "dpv_iri": EU_GDPR + "A6-1-b",
        "description": (
            "The processing is necessary to perform a contract with the "
            "individual, or to take steps they have asked for before entering "
            "into one."
        ),
    },
    {
        "code": "A6-1-c",
        "article": "Art 6(1)(c)",
        "label": "Legal obligation",
        "kind": "legal_obligation",
        "jurisdiction": "eu_uk",
        "dpv_iri": EU_GDPR + "A6-1-c",
        "description": (
            "The processing is necessary to comply with a legal obligation laid "
            "down in (EU/Member State or UK) law to which the controller is "
            "subject, and the record should name that law."
        ),
    },
    {
        "code": "A6-1-d",
        "article": "Art 6(1)(d)",
        "label": "Vital interests",
        "kind": "vital_interests",
        "jurisdiction": "eu_uk",
        "dpv_iri": EU_GDPR + "A6-1-d",
        "description": (
            "The processing is necessary to protect someone's life or physical "
            "integrity, typically in an emergency where no other basis is "
            "available."
        ),
    },
    {
        "code": "A6-1-e",
        "article": "Art 6(1)(e)",
        "label": "Public task",
        "kind": "public_task",
        "jurisdiction": "eu_uk",
        "dpv_iri": EU_GDPR + "A6-1-e",
        "description": (
            "The processing is necessary for a task carried out in the public "
            "interest or in the exercise of official authority vested in the "
            "controller, with a clear basis in law."
        ),
    },
    {
        "code": "A6-1-f",
        "article": "Art 6(1)(f)",
        "label": "Legitimate interests",
        "kind": "legitimate_interests",
        "jurisdiction": "eu_uk",
        "dpv_iri": EU_GDPR + "A6-1-f",
        "description": (
            "The processing is necessary for the legitimate interests of the "
            "controller or a third party and those interests are not overridden "
            "by the individual's interests, rights and freedoms, which should "
            "be shown in a documented legitimate interests assessment "
            "(not available to public authorities performing their tasks)."
        ),
    },
    {
        "code": "UK-A6-1-ea",
        "article": "UK GDPR Art 6(1)(ea)",
        "label": "Recognised legitimate interest",
        "kind": "recognised_legitimate_interests",
        "jurisdiction": "uk",
        "dpv_iri": ROPA_NS + "UK-A6-1-ea",
        "description": (
            "UK only (inserted by the Data (Use and Access) Act 2025, in force "
            "5 February 2026): the processing is necessary for a recognised "
            "legitimate interest listed in UK GDPR Annex 1 (e.g. national "
            "security, emergencies, crime, safeguarding vulnerable individuals, "
            "democratic engagement), for which no balancing test is required."
        ),
    },
]


# ---------------------------------------------------------------------------
# 2. Conditions for special category data (Art 9(2))
# ---------------------------------------------------------------------------

ART9_CONDITIONS = [
    {
        "code": "A9-2-a",
        "article": "Art 9(2)(a)",
        "label": "Explicit consent",
        "dpv_iri": EU_GDPR + "A9-2-a",
        "description": (
            "The individual has given explicit consent for one or more "
            "specified purposes (unless law says the prohibition cannot be "
            "lifted by consent)."
        ),
    },
    {
        "code": "A9-2-b",
        "article": "Art 9(2)(b)",
        "label": "Employment, social security and social protection law",
        "dpv_iri": EU_GDPR + "A9-2-b",
        "description": (
            "Necessary for obligations or rights of the controller or the "
            "individual in employment, social security or social protection "
            "law; in the UK it also needs DPA 2018 Sch. 1 para 1."
        ),
    },
    {
        "code": "A9-2-c",
        "article": "Art 9(2)(c)",
        "label": "Vital interests",
        "dpv_iri": EU_GDPR + "A9-2-c",
        "description": (
            "Necessary to protect someone's vital interests where the "
            "individual is physically or legally incapable of giving consent."
        ),
    },
    {
        "code": "A9-2-d",
        "article": "Art 9(2)(d)",
        "label": "Not-for-profit bodies",
        "dpv_iri": EU_GDPR + "A9-2-d",
        "description": (
            "Legitimate activities, with appropriate safeguards, of a "
            "foundation, association or other not-for-profit body with a "
            "political, philosophical, religious or trade union aim, relating "
            "only to members, former members or regular contacts and not "
            "disclosed outside without consent."
        ),
    },
    {
        "code": "A9-2-e",
        "article": "Art 9(2)(e)",
        "label": "Manifestly made public by the data subject",
        "dpv_iri": EU_GDPR + "A9-2-e",
        "description": (
            "The data has been manifestly made public by the individual "
            "themselves (a deliberate act, not merely available)."
        ),
    },
    {
        "code": "A9-2-f",
        "article": "Art 9(2)(f)",
        "label": "Legal claims or judicial acts",
        "dpv_iri": EU_GDPR + "A9-2-f",
        "description": (
            "Necessary for establishing, exercising or defending legal claims, "
            "or whenever courts are acting in their judicial capacity."
        ),
    },
    {
        "code": "A9-2-g",
        "article": "Art 9(2)(g)",
        "label": "Substantial public interest",
        "dpv_iri": EU_GDPR + "A9-2-g",
        "description": (
            "Necessary for reasons of substantial public interest on the basis "
            "of law that is proportionate and has suitable safeguards; in the "
            "UK it also needs a DPA 2018 Sch. 1 Part 2 condition (and usually "
            "an appropriate policy document)."
        ),
    },
    {
        "code": "A9-2-h",
        "article": "Art 9(2)(h)",
        "label": "Health or social care",
        "dpv_iri": EU_GDPR + "A9-2-h",
        "description": (
            "Necessary for preventive or occupational medicine, assessing "
            "working capacity, medical diagnosis, health or social care or "
            "treatment, or managing health or social care systems, under the "
            "responsibility of a professional bound by secrecy; in the UK it "
            "also needs DPA 2018 Sch. 1 para 2."
        ),
    },
    {
        "code": "A9-2-i",
        "article": "Art 9(2)(i)",
        "label": "Public health",
        "dpv_iri": EU_GDPR + "A9-2-i",
        "description": (
            "Necessary for reasons of public interest in public health (e.g. "
            "serious cross-border threats, quality and safety of healthcare or "
            "medicines) on the basis of law; in the UK it also needs DPA 2018 "
            "Sch. 1 para 3."
        ),
    },
    {
        "code": "A9-2-j",
        "article": "Art 9(2)(j)",
        "label": "Archiving, research and statistics",
        "dpv_iri": EU_GDPR + "A9-2-j",
        "description": (
            "Necessary for archiving in the public interest, scientific or "
            "historical research or statistical purposes in line with Art 89(1) "
            "safeguards; in the UK it also needs DPA 2018 Sch. 1 para 4."
        ),
    },
]


#: DPA 2018 s10(2)-(3): in the UK these Art 9(2) conditions are met only with a condition
#: of this part of Schedule 1 (code -> part).
UK_SCHEDULE1_PART_NEEDED = {"A9-2-b": "1", "A9-2-g": "2", "A9-2-h": "1", "A9-2-i": "1",
                            "A9-2-j": "1"}
for _condition in ART9_CONDITIONS:
    _condition["uk_schedule1_part"] = UK_SCHEDULE1_PART_NEEDED.get(_condition["code"], "")


# ---------------------------------------------------------------------------
# 3. UK Data Protection Act 2018, Schedule 1 conditions (+ GDPR Art 10)
# ---------------------------------------------------------------------------
# DPA 2018 s10: Art 9(2)(b), (h), (i), (j) need a Part 1 condition, Art 9(2)(g)
# needs a Part 2 condition, and criminal offence data (Art 10) needs a
# condition in Part 1, 2 or 3. Para 36 (Part 3) lets Part 2 conditions be
# used for criminal offence data without the "substantial public interest"
# element, so Parts 1 and 2 are marked "both".


def _sch1(part, para, label, applies_to, description):
    code = f"DPA2018-S1-P{part}-{para}"
    return {
        "code": code,
        "article": f"DPA 2018 Sch. 1 Pt {part} para {para}",
        "label": label,
        "part": str(part),
        "applies_to": applies_to,
        "dpv_iri": ROPA_NS + code,
        "description": description,
    }


SCHEDULE1_CONDITIONS = [
    # Part 1: conditions relating to employment, health and research etc.
    _sch1(1, 1, "Employment, social security and social protection", "both",
          "Necessary for obligations or rights of the controller or the "
          "individual under employment, social security or social protection "
          "law; requires an appropriate policy document."),
    _sch1(1, 2, "Health or social care purposes", "both",
          "Necessary for health or social care purposes (occupational "
          "medicine, working capacity, diagnosis, care or treatment, managing "
          "health or social care systems) by or under the responsibility of a "
          "professional owing a duty of confidentiality."),
    _sch1(1, 3, "Public health", "both",
          "Necessary for reasons of public interest in public health, carried "
          "out by or under the responsibility of a health professional or "
          "another person owing a duty of confidentiality under law."),
    _sch1(1, 4, "Research etc", "both",
          "Necessary for archiving in the public interest, scientific or "
          "historical research or statistical purposes, carried out with Art "
          "89(1) safeguards and in the public interest."),
    # Part 2: substantial public interest conditions (para 5 sets the general
    # requirement for an appropriate policy document; it is not a condition).
    _sch1(2, 6, "Statutory etc and government purposes", "both",
          "Necessary for a function conferred by an enactment or rule of law, "
          "or a function of the Crown, a Minister or a government department, "
          "and for reasons of substantial public interest."),
    _sch1(2, 7, "Administration of justice and parliamentary purposes", "both",
          "Necessary for the administration of justice or the exercise of a "
          "function of either House of Parliament."),
    _sch1(2, 8, "Equality of opportunity or treatment", "both",
          "Necessary to identify or keep under review the existence or absence "
          "of equality of opportunity or treatment between specified groups, "
          "with a view to promoting or maintaining it."),
    _sch1(2, 9, "Racial and ethnic diversity at senior levels of organisations",
          "both",
          "Part of a process to identify suitable individuals for senior "
          "positions, necessary to promote or maintain racial and ethnic "
          "diversity at those levels."),
    _sch1(2, 10, "Preventing or detecting unlawful acts", "both",
          "Necessary to prevent or detect an unlawful act where asking for "
          "consent would prejudice that purpose, and for reasons of "
          "substantial public interest."),
    _sch1(2, 11, "Protecting the public against dishonesty etc", "both",
          "Necessary to protect the public against dishonesty, malpractice, "
          "seriously improper conduct, unfitness or incompetence, mismanagement "
          "or failures in services, where consent would prejudice the purpose."),
    _sch1(2, 12, "Regulatory requirements relating to unlawful acts and "
                 "dishonesty etc", "both",
          "Necessary to comply with (or assist others to comply with) a "
          "regulatory requirement to establish whether someone has committed "
          "an unlawful act or been involved in dishonesty, malpractice or "
          "seriously improper conduct, where consent cannot reasonably be "
          "obtained."),
    _sch1(2, 13, "Journalism etc in connection with unlawful acts and "
                 "dishonesty etc", "both",
          "Disclosure for the special purposes (journalism, academic, artistic "
          "or literary) in connection with unlawful acts, dishonesty, "
          "malpractice or mismanagement, in the public interest."),
    _sch1(2, 14, "Preventing fraud", "both",
          "Necessary to prevent fraud or a particular kind of fraud, by "
          "disclosure as a member of an anti-fraud organisation or in "
          "accordance with its arrangements."),
    _sch1(2, 15, "Suspicion of terrorist financing or money laundering", "both",
          "Necessary for making a disclosure in good faith under the Terrorism "
          "Act 2000 or the Proceeds of Crime Act 2002 provisions on suspected "
          "terrorist financing or money laundering."),
    _sch1(2, 16, "Support for individuals with a particular disability or "
                 "medical condition", "both",
          "Carried out by a not-for-profit body providing support to "
          "individuals with a particular disability or medical condition, "
          "where consent cannot reasonably be obtained."),
    _sch1(2, 17, "Counselling etc", "both",
          "Necessary for the provision of confidential counselling, advice or "
          "support, or another similar service provided confidentially, where "
          "consent cannot reasonably be obtained."),
    _sch1(2, 18, "Safeguarding of children and of individuals at risk", "both",
          "Necessary to protect a child or an individual at risk (aged 18 or "
          "over) from neglect or physical, mental or emotional harm, or to "
          "protect their well-being, where consent cannot be given or obtained "
          "or would prejudice that protection."),
    _sch1(2, 19, "Safeguarding of economic well-being of certain individuals",
          "both",
          "Necessary to protect the economic well-being of an individual at "
          "economic risk aged 18 or over, where consent cannot be given or "
          "obtained or would prejudice that protection."),
    _sch1(2, 20, "Insurance", "both",
          "Necessary for an insurance purpose, for specified categories of "
          "data (racial or ethnic origin, religious or philosophical beliefs, "
          "health, sexual orientation) about relatives of the insured or "
          "others, subject to the conditions in the paragraph."),
    _sch1(2, 21, "Occupational pensions", "both",
          "Necessary for making a determination in connection with eligibility "
          "for or benefits under an occupational pension scheme, for health "
          "data about relatives of members, where consent cannot reasonably be "
          "obtained."),
    _sch1(2, 22, "Political parties", "both",
          "Processing of political opinions data by a registered political "
          "party, necessary for its political activities, unless it causes "
          "substantial damage or distress."),
    _sch1(2, 23, "Elected representatives responding to requests", "both",
          "Carried out by an elected representative (or someone acting with "
          "their authority) in connection with their functions, in response "
          "to a request by an individual (time limit after elections as "
          "amended by the Data (Use and Access) Act 2025)."),
    _sch1(2, 24, "Disclosure to elected representatives", "both",
          "Disclosure to an elected representative acting on a request from an "
          "individual, where the processing is necessary to respond to it."),
    _sch1(2, 25, "Informing elected representatives about prisoners", "both",
          "Processing of information about a prisoner to inform a member of "
          "Parliament or other listed elected representative about the "
          "prisoner, where the representative is under an obligation not to "
          "further disclose it."),
    _sch1(2, 26, "Publication of legal judgments", "both",
          "Consists of the publication of a judgment or other decision of a "
          "court or tribunal, or is necessary for such publication."),
    _sch1(2, 27, "Anti-doping in sport", "both",
          "Necessary for measures designed to eliminate doping in sport or at "
          "sporting events, or to provide information about doping."),
    _sch1(2, 28, "Standards of behaviour in sport", "both",
          "Necessary to protect the integrity of a sport or sporting event "
          "against dishonesty, malpractice or other seriously improper "
          "conduct, where consent would prejudice that purpose."),
    # Part 3: additional conditions relating to criminal convictions etc.
    _sch1(3, 29, "Consent", "criminal",
          "The individual has given consent to the processing of their "
          "criminal offence data."),
    _sch1(3, 30, "Protecting individual's vital interests", "criminal",
          "Necessary to protect the vital interests of an individual where the "
          "data subject is physically or legally incapable of giving consent."),
    _sch1(3, 31, "Processing by not-for-profit bodies", "criminal",
          "Carried out in the course of legitimate activities, with "
          "safeguards, by a not-for-profit body with a political, "
          "philosophical, religious or trade union aim, relating to members, "
          "former members or regular contacts and not disclosed without "
          "consent."),
    _sch1(3, 32, "Personal data in the public domain", "criminal",
          "The processing relates to personal data manifestly made public by "
          "the data subject."),
    _sch1(3, 33, "Legal claims", "criminal",
          "Necessary for legal proceedings (including prospective ones), "
          "obtaining legal advice, or establishing, exercising or defending "
          "legal rights."),
    _sch1(3, 34, "Judicial acts", "criminal",
          "Necessary when a court or tribunal is acting in its judicial "
          "capacity."),
    _sch1(3, 35, "Administration of accounts used in commission of indecency "
                 "offences involving children", "criminal",
          "Processing of data about a conviction or caution for listed "
          "indecent images offences, necessary to administer or cancel the "
          "payment card account used; requires an appropriate policy document."),
    _sch1(3, 36, "Extension of conditions in Part 2 referring to substantial "
                 "public interest", "criminal",
          "Criminal offence data may be processed under a Part 2 condition "
          "even though the processing is not necessary for reasons of "
          "substantial public interest, if it would otherwise meet that "
          "condition (record the Part 2 condition relied on as well)."),
    _sch1(3, 37, "Extension of insurance conditions", "criminal",
          "Criminal offence data may be processed under the insurance "
          "condition (para 20) without the requirements that it is one of the "
          "listed data categories or necessary for substantial public interest, "
          "if it would otherwise meet that condition."),
    # The ``needs_policy_document`` flags are set below the list.
    {
        "code": "A10-official-authority",
        "article": "Art 10",
        "label": "Under the control of official authority",
        "part": "",
        "applies_to": "criminal",
        "dpv_iri": ROPA_NS + "A10-official-authority",
        "description": (
            "Criminal offence data processed under the control of official "
            "authority (GDPR / UK GDPR Art 10 itself), e.g. by a public body "
            "exercising its statutory functions; otherwise a legal "
            "authorisation (in the UK a DPA 2018 Sch. 1 condition) is needed."
        ),
    },
]


#: DPA 2018 Sch. 1 paras 1(1)(b), 5(1) and Part 4 (para 38): the conditions met only when the
#: controller has an appropriate policy document in place: the employment condition, every
#: substantial public interest condition of Part 2 (para 5(1); a few of them spare some
#: disclosures, e.g. para 10(3) to a competent authority) and para 35 of Part 3. Part 1
#: paras 2-4 and the other Part 3 conditions need none of their own.
NEEDS_POLICY_DOCUMENT = {"DPA2018-S1-P1-1", "DPA2018-S1-P3-35"} | {
    f"DPA2018-S1-P2-{para}" for para in range(6, 29)}
for _condition in SCHEDULE1_CONDITIONS:
    _condition["needs_policy_document"] = _condition["code"] in NEEDS_POLICY_DOCUMENT


# ---------------------------------------------------------------------------
# 4. International transfer mechanisms (Chapter V GDPR / UK GDPR)
# ---------------------------------------------------------------------------

_DEROGATION_NOTE = (
    " Derogations are interpreted strictly (EDPB Guidelines 2/2018) and suit "
    "occasional, not systematic, transfers: document why no Art 45/46 tool is "
    "available and why the derogation's conditions are met."
)

TRANSFER_MECHANISMS = [
    {
        "code": "A45-3",
        "jurisdiction": "eu",
        "article": "Art 45(3)",
        "label": "EU adequacy decision",
        "kind": "adequacy",
        "requires_documented_safeguards": False,
        "dpv_iri": EU_GDPR + "A45-3",
        "description": (
            "Transfer from the EU/EEA to a country, territory or sector the "
            "European Commission has found adequate; no further safeguard is "
            "needed, but check the decision's scope (see EU_ADEQUACY)."
        ),
    },
    {
        "code": "UK-A45A",
        "jurisdiction": "uk",
        "article": "UK GDPR Art 45A (formerly DPA 2018 s17A)",
        "label": "UK adequacy regulations (transfers approved by regulations)",
        "kind": "adequacy",
        "requires_documented_safeguards": False,
        "dpv_iri": ROPA_NS + "UK-A45A",
        "description": (
            "Transfer from the UK to a country or sector approved by UK "
            "regulations (DPA 2018 s17A adequacy regulations and the Sch. 21 "
            "transitional recognitions, now treated as approved under UK GDPR "
            "Art 45A following the Data (Use and Access) Act 2025); check the "
            "scope (see UK_ADEQUACY)."
        ),
    },
    {
        "code": "EU-US-DPF",
        "jurisdiction": "eu",
        "article": "Art 45(3); Decision (EU) 2023/1795",
        "label": "EU-US Data Privacy Framework certification",
        "kind": "dpf",
        "requires_documented_safeguards": False,
        "dpv_iri": ROPA_NS + "EU-US-DPF",
        "description": (
            "Transfer from the EU/EEA to a US organisation actively certified "
            "under the EU-US Data Privacy Framework (an Art 45 adequacy "
            "decision limited to certified organisations); verify and record "
            "the importer's listing on the DPF list, including the data types "
            "(e.g. HR data) it covers."
        ),
    },
    {
        "code": "UK-US-DATA-BRIDGE",
        "jurisdiction": "uk",
        "article": "UK GDPR Art 45A; Data Protection (Adequacy) (United States "
                   "of America) Regulations 2023",
        "label": "UK Extension to the EU-US DPF (UK-US data bridge)",
        "kind": "dpf",
        "requires_documented_safeguards": False,
        "dpv_iri": ROPA_NS + "UK-US-DATA-BRIDGE",
        "description": (
            "Transfer from the UK to a US organisation certified under the EU-US "
            "DPF that has also opted in to the UK Extension; verify and record "
            "the importer's UK Extension listing."
        ),
    },
    {
        "code": "EU-SCC-2021",
        "jurisdiction": "eu",
        "article": "Art 46(2)(c); Decision (EU) 2021/914",
        "label": "EU Standard Contractual Clauses (2021)",
        "kind": "scc",
        "requires_documented_safeguards": True,
        "dpv_iri": EU_GDPR + "A46-2-c",
        "description": (
            "The Commission's 2021 standard contractual clauses (choose the "
            "module: C2C, C2P, P2P or P2C) signed with the importer, supported "
            "by a documented transfer impact assessment and any supplementary "
            "measures."
        ),
    },
    {
        "code": "UK-IDTA",
        "jurisdiction": "uk",
        "article": "UK GDPR Art 46(2)(d); DPA 2018 s119A",
        "label": "UK International Data Transfer Agreement (IDTA)",
        "kind": "idta",
        "requires_documented_safeguards": True,
        "dpv_iri": ROPA_NS + "UK-IDTA",
        "description": (
            "The ICO's International Data Transfer Agreement (in force since 21 "
            "March 2022) signed with the importer, supported by a documented "
            "transfer risk assessment."
        ),
    },
    {
        "code": "UK-ADDENDUM",
        "jurisdiction": "uk",
        "article": "UK GDPR Art 46(2)(d); DPA 2018 s119A",
        "label": "UK International Data Transfer Addendum to the EU SCCs",
        "kind": "uk_addendum",
        "requires_documented_safeguards": True,
        "dpv_iri": ROPA_NS + "UK-ADDENDUM",
        "description": (
            "The ICO's Addendum attached to the EU 2021 SCCs so that one "
            "contract covers both EU and UK restricted transfers, supported by "
            "a documented transfer risk assessment."
        ),
    },
    {
        "code": "BCR",
        "jurisdiction": "eu_uk",
        "article": "Art 47; Art 46(2)(b)",
        "label": "Binding Corporate Rules",
        "kind": "bcr",
        "requires_documented_safeguards": True,
        "dpv_iri": EU_GDPR + "A46-2-b",
        "description": (
            "Intra-group transfers under binding corporate rules approved by "
            "the competent supervisory authority (for UK transfers, UK BCRs "
            "approved by the ICO); record the approval reference."
        ),
    },
    {
        "code": "A46-2-e",
        "jurisdiction": "eu_uk",
        "article": "Art 46(2)(e)",
        "label": "Approved code of conduct with binding commitments",
        "kind": "other_safeguard",
        "requires_documented_safeguards": True,
        "dpv_iri": EU_GDPR + "A46-2-e",
        "description": (
            "An approved Art 40 code of conduct together with binding and "
            "enforceable commitments of the importer to apply its safeguards, "
            "including as regards data subjects' rights."
        ),
    },
    {
        "code": "A46-2-f",
        "jurisdiction": "eu_uk",
        "article": "Art 46(2)(f)",
        "label": "Approved certification mechanism with binding commitments",
        "kind": "other_safeguard",
        "requires_documented_safeguards": True,
        "dpv_iri": EU_GDPR + "A46-2-f",
        "description": (
            "An approved Art 42 certification mechanism together with binding "
            "and enforceable commitments of the importer to apply the "
            "safeguards, including as regards data subjects' rights."
        ),
    },
    {
        "code": "A46-2-a",
        "jurisdiction": "eu_uk",
        "article": "Art 46(2)(a)",
        "label": "Legally binding instrument between public authorities or bodies",
        "kind": "other_safeguard",
        "requires_documented_safeguards": True,
        "dpv_iri": EU_GDPR + "A46-2-a",
        "description": (
            "A legally binding and enforceable instrument between public "
            "authorities or bodies (a treaty or an agreement between them), "
            "needing no authorisation of the supervisory authority."
        ),
    },
    {
        "code": "A46-2-d",
        "jurisdiction": "eu",
        "article": "Art 46(2)(d)",
        "label": "Standard data protection clauses adopted by a supervisory authority",
        "kind": "scc",
        "requires_documented_safeguards": True,
        "dpv_iri": EU_GDPR + "A46-2-d",
        "description": (
            "Standard data protection clauses adopted by a supervisory authority "
            "and approved by the Commission (Art 93(2)), supported by a documented "
            "transfer impact assessment. (For the UK, the ICO's IDTA and Addendum "
            "are the clauses issued under DPA 2018 s119A.)"
        ),
    },
    {
        "code": "A46-3-b",
        "jurisdiction": "eu_uk",
        "article": "Art 46(3)(b)",
        "label": "Administrative arrangements between public authorities, authorised by "
                 "the supervisory authority",
        "kind": "other_safeguard",
        "requires_documented_safeguards": True,
        "dpv_iri": EU_GDPR + "A46-3-b",
        "description": (
            "Provisions inserted into administrative arrangements between public "
            "authorities or bodies which include enforceable and effective rights "
            "for data subjects, authorised by the competent supervisory authority; "
            "record the authorisation."
        ),
    },
    {
        "code": "A46-3-a",
        "jurisdiction": "eu_uk",
        "article": "Art 46(3)(a)",
        "label": "Ad hoc contractual clauses authorised by the supervisory "
                 "authority",
        "kind": "other_safeguard",
        "requires_documented_safeguards": True,
        "dpv_iri": EU_GDPR + "A46-3-a",
        "description": (
            "Bespoke contractual clauses between exporter and importer that "
            "have been specifically authorised by the competent supervisory "
            "authority; record the authorisation."
        ),
    },
    {
        "code": "A49-1-a",
        "jurisdiction": "eu_uk",
        "article": "Art 49(1)(a)",
        "label": "Derogation: explicit consent",
        "kind": "derogation",
        "requires_documented_safeguards": True,
        "dpv_iri": EU_GDPR + "A49-1-a",
        "description": (
            "The individual explicitly consented to the proposed transfer after "
            "being informed of its possible risks in the absence of adequacy "
            "and appropriate safeguards." + _DEROGATION_NOTE
        ),
    },
    {
        "code": "A49-1-b",
        "jurisdiction": "eu_uk",
        "article": "Art 49(1)(b)",
        "label": "Derogation: contract with the data subject",
        "kind": "derogation",
        "requires_documented_safeguards": True,
        "dpv_iri": EU_GDPR + "A49-1-b",
        "description": (
            "The transfer is necessary to perform a contract between the "
            "individual and the controller, or pre-contractual measures taken "
            "at the individual's request." + _DEROGATION_NOTE
        ),
    },
    {
        "code": "A49-1-c",
        "jurisdiction": "eu_uk",
        "article": "Art 49(1)(c)",
        "label": "Derogation: contract in the data subject's interest",
        "kind": "derogation",
        "requires_documented_safeguards": True,
        "dpv_iri": EU_GDPR + "A49-1-c",
        "description": (
            "The transfer is necessary to conclude or perform a contract made "
            "in the individual's interest between the controller and another "
            "person." + _DEROGATION_NOTE
        ),
    },
    {
        "code": "A49-1-d",
        "jurisdiction": "eu_uk",
        "article": "Art 49(1)(d)",
        "label": "Derogation: important reasons of public interest",
        "kind": "derogation",
        "requires_documented_safeguards": True,
        "dpv_iri": EU_GDPR + "A49-1-d",
        "description": (
            "The transfer is necessary for important reasons of public interest "
            "recognised in EU/Member State law (UK: domestic law)." +
            _DEROGATION_NOTE
        ),
    },
    {
        "code": "A49-1-e",
        "jurisdiction": "eu_uk",
        "article": "Art 49(1)(e)",
        "label": "Derogation: legal claims",
        "kind": "derogation",
        "requires_documented_safeguards": True,
        "dpv_iri": EU_GDPR + "A49-1-e",
        "description": (
            "The transfer is necessary for the establishment, exercise or "
            "defence of legal claims." + _DEROGATION_NOTE
        ),
    },
    {
        "code": "A49-1-f",
        "jurisdiction": "eu_uk",
        "article": "Art 49(1)(f)",
        "label": "Derogation: vital interests",
        "kind": "derogation",
        "requires_documented_safeguards": True,
        "dpv_iri": EU_GDPR + "A49-1-f",
        "description": (
            "The transfer is necessary to protect the vital interests of the "
            "individual or others where the individual is physically or legally "
            "incapable of giving consent." + _DEROGATION_NOTE
        ),
    },
    {
        "code": "A49-1-g",
        "jurisdiction": "eu_uk",
        "article": "Art 49(1)(g)",
        "label": "Derogation: public register",
        "kind": "derogation",
        "requires_documented_safeguards": True,
        "dpv_iri": EU_GDPR + "A49-1-g",
        "description": (
            "The transfer is made from a register which by law is intended to "
            "inform the public, within the conditions for consultation; it may "
            "not involve the entire register or whole categories of data." +
            _DEROGATION_NOTE
        ),
    },
    {
        "code": "A49-1-compelling-li",
        "jurisdiction": "eu_uk",
        "article": "Art 49(1) second subparagraph",
        "label": "Derogation: compelling legitimate interests",
        "kind": "derogation",
        "requires_documented_safeguards": True,
        "dpv_iri": EU_GDPR + "A49-2",
        "description": (
            "Last resort for a non-repetitive transfer about a limited number "
            "of individuals, necessary for compelling legitimate interests not "
            "overridden by theirs: the controller must assess all the "
            "circumstances, provide suitable safeguards, document the "
            "assessment in its Art 30 record (Art 49(6)) and inform the "
            "supervisory authority and the individuals. (DPV names this "
            "concept eu-gdpr:A49-2.)"
        ),
    },
]


# ---------------------------------------------------------------------------
# 5. Countries (ISO 3166-1 alpha-2) and adequacy
# ---------------------------------------------------------------------------

EU_COUNTRIES = {
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR",
    "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK",
    "SI", "ES", "SE",
}

EEA_COUNTRIES = EU_COUNTRIES | {"IS", "LI", "NO"}

# European Commission adequacy decisions in force (GDPR Art 45 / earlier
# Directive 95/46/EC decisions kept in force by Art 45(9)).
EU_ADEQUACY = {
    "AD": ("full", "Commission Decision 2010/625/EU"),
    "AR": ("full", "Commission Decision 2003/490/EC"),
    "BR": ("full", "Implementing Decision (EU) 2026/179 (LGPD)"),
    "CA": ("partial", "Decision 2002/2/EC: commercial organisations under "
                      "PIPEDA only"),
    "CH": ("full", "Commission Decision 2000/518/EC"),
    "FO": ("full", "Commission Decision 2010/146/EU"),
    "GB": ("full", "Implementing Decision (EU) 2021/1772, renewed December "
                   "2025 (to December 2031)"),
    "GG": ("full", "Commission Decision 2003/821/EC"),
    "IL": ("full", "Commission Decision 2011/61/EU"),
    "IM": ("full", "Commission Decision 2004/411/EC"),
    "JE": ("full", "Commission Decision 2008/393/EC"),
    "JP": ("partial", "Implementing Decision (EU) 2019/419: private-sector "
                      "operators subject to the APPI"),
    "KR": ("full", "Implementing Decision (EU) 2022/254 (PIPA; certain "
                   "financial-sector credit information excluded)"),
    "NZ": ("full", "Commission Decision 2013/65/EU"),
    "US": ("partial", "Implementing Decision (EU) 2023/1795: organisations "
                      "certified under the EU-US DPF only"),
    "UY": ("full", "Commission Decision 2012/484/EU"),
}

# UK adequacy: transfers approved by regulations (UK GDPR Art 45A, formerly
# DPA 2018 s17A), including the DPA 2018 Sch. 21 transitional recognitions.
UK_ADEQUACY = dict.fromkeys(EEA_COUNTRIES, ("full", "DPA 2018 Sch. 21 para 4: EEA state"))
UK_ADEQUACY.update({
    "GI": ("full", "DPA 2018 Sch. 21 para 4: Gibraltar"),
    "AD": ("full", "DPA 2018 Sch. 21 para 5: EU adequacy decision recognised"),
    "AR": ("full", "DPA 2018 Sch. 21 para 5: EU adequacy decision recognised"),
    "CA": ("partial", "DPA 2018 Sch. 21 para 5: commercial organisations under "
                      "PIPEDA only"),
    "CH": ("full", "DPA 2018 Sch. 21 para 5: EU adequacy decision recognised"),
    "FO": ("full", "DPA 2018 Sch. 21 para 5: EU adequacy decision recognised"),
    "GG": ("full", "DPA 2018 Sch. 21 para 5: EU adequacy decision recognised"),
    "IL": ("full", "DPA 2018 Sch. 21 para 5: EU adequacy decision recognised"),
    "IM": ("full", "DPA 2018 Sch. 21 para 5: EU adequacy decision recognised"),
    "JE": ("full", "DPA 2018 Sch. 21 para 5: EU adequacy decision recognised"),
    "JP": ("partial", "DPA 2018 Sch. 21 para 5: private-sector operators "
                      "subject to the APPI"),
    "NZ": ("full", "DPA 2018 Sch. 21 para 5: EU adequacy decision recognised"),
    "UY": ("full", "DPA 2018 Sch. 21 para 5: EU adequacy decision recognised"),
    "KR": ("full", "Data Protection (Adequacy) (Republic of Korea) "
                   "Regulations 2022"),
    "US": ("partial", "Data Protection (Adequacy) (United States of America) "
                      "Regulations 2023: UK Extension to the DPF, certified "
                      "organisations only"),
})


# International organisations (Art 4(26)) that enjoy adequacy: a transfer naming one of them
# (by name or code) is read with its adequacy.
INTERNATIONAL_ORGANISATIONS = [
    {
        "code": "EPO",
        "name": "European Patent Organisation",
        "eu_adequacy": "full",
        "eu_adequacy_note": "Commission adequacy decision of 2025 (the first for an "
                            "international organisation)",
        "uk_adequacy": "",
        "uk_adequacy_note": "",
    },
]


# ---------------------------------------------------------------------------
# 6. Categories of data subjects
# ---------------------------------------------------------------------------

DATA_SUBJECT_CATEGORIES = [
    {"code": "customers", "name": "Customers",
     "description": "Individuals who buy or have bought goods or services, "
                    "including individual customers and sole traders.",
     "dpv_iri": DPV + "Customer"},
    {"code": "prospects", "name": "Prospective customers (prospects)",
     "description": "Individuals who have shown interest in, or are targeted "
                    "for, the organisation's goods or services but have not "
                    "yet bought.",
     "dpv_iri": ROPA_NS + "Prospect"},
    {"code": "end-users", "name": "End users",
     "description": "Individuals who use a product or service provided to a "
                    "customer organisation (e.g. staff of a business "
                    "customer using a SaaS platform).",
     "dpv_iri": DPV + "User"},
    {"code": "website-visitors", "name": "Website and app visitors",
     "description": "Individuals who visit the organisation's websites or use "
                    "its apps, whether or not they are customers.",
     "dpv_iri": ROPA_NS + "WebsiteVisitor"},
    {"code": "subscribers", "name": "Subscribers",
     "description": "Individuals who subscribe to communications such as "
                    "newsletters, alerts or a subscription service.",
     "dpv_iri": DPV + "Subscriber"},
    {"code": "callers", "name": "Callers and call participants",
     "description": "People who make or receive telephone or video calls that "
                    "are recorded, transcribed, monitored or reported on.",
     "dpv_iri": ROPA_NS + "CallParticipant"},
    {"code": "complainants", "name": "Complainants and enquirers",
     "description": "Individuals who make complaints, enquiries or requests "
                    "(including data subject rights requests).",
     "dpv_iri": ROPA_NS + "Complainant"},
    {"code": "job-applicants", "name": "Job applicants",
     "description": "Candidates applying for roles, including unsuccessful "
                    "applicants and referees' details supplied by them.",
     "dpv_iri": DPV + "JobApplicant"},
    {"code": "employees", "name": "Employees",
     "description": "Current staff employed by the organisation, including "
                    "directors and officers.",
     "dpv_iri": DPV + "Employee"},
    {"code": "former-employees", "name": "Former employees",
     "description": "Leavers and retired staff whose records are retained.",
     "dpv_iri": ROPA_NS + "FormerEmployee"},
    {"code": "contractors", "name": "Contractors and temporary workers",
     "description": "Self-employed contractors, consultants, agency and "
                    "temporary workers working for the organisation.",
     "dpv_iri": ROPA_NS + "Contractor"},
    {"code": "emergency-contacts", "name": "Next of kin and emergency contacts",
     "description": "People named by staff or others as next of kin, "
                    "dependants or emergency contacts.",
     "dpv_iri": ROPA_NS + "EmergencyContact"},
    {"code": "suppliers", "name": "Suppliers",
     "description": "Individual suppliers and sole traders who provide goods "
                    "or services to the organisation.",
     "dpv_iri": ROPA_NS + "Supplier"},
    {"code": "business-contacts", "name": "Business contacts",
     "description": "Staff of customers, suppliers and other organisations "
                    "the organisation deals with.",
     "dpv_iri": ROPA_NS + "BusinessContact"},
    {"code": "channel-partners", "name": "Channel partners and resellers",
     "description": "Individuals at (or acting as) resellers, distributors, "
                    "referral and other channel partners.",
     "dpv_iri": ROPA_NS + "ChannelPartner"},
    {"code": "shareholders", "name": "Shareholders and investors",
     "description": "Individuals holding shares or other investments in the "
                    "organisation.",
     "dpv_iri": ROPA_NS + "Shareholder"},
    {"code": "members", "name": "Members",
     "description": "Members of the organisation, association, club or "
                    "scheme.",
     "dpv_iri": DPV + "Member"},
    {"code": "volunteers", "name": "Volunteers",
     "description": "Individuals who volunteer for the organisation.",
     "dpv_iri": ROPA_NS + "Volunteer"},
    {"code": "students", "name": "Students and trainees",
     "description": "Students, pupils, apprentices and trainees.",
     "dpv_iri": DPV + "Student"},
    {"code": "children", "name": "Children",
     "description": "Individuals under 18 (and, for online services offered "
                    "directly to them, below the digital age of consent: 13 "
                    "in the UK, 13 to 16 in EU Member States).",
     "dpv_iri": DPV + "Child"},
    {"code": "parents-guardians", "name": "Parents and guardians",
     "description": "Parents, carers or guardians of children or other data "
                    "subjects.",
     "dpv_iri": DPV + "ParentOfDataSubject"},
    {"code": "patients", "name": "Patients and service users",
     "description": "Individuals receiving medical, health or social care "
                    "services.",
     "dpv_iri": DPV + "Patient"},
    {"code": "vulnerable-individuals", "name": "Vulnerable individuals",
     "description": "Individuals who need extra care or safeguards, e.g. "
                    "because of age, health or circumstances.",
     "dpv_iri": DPV + "VulnerableDataSubject"},
    {"code": "visitors", "name": "Visitors to premises",
     "description": "People visiting offices or sites, including those "
                    "captured by visitor logs and CCTV.",
     "dpv_iri": DPV + "Visitor"},
    {"code": "event-attendees", "name": "Event attendees",
     "description": "People registering for or attending events, webinars "
                    "and trade shows.",
     "dpv_iri": DPV + "Participant"},
    {"code": "members-of-public", "name": "Members of the public",
     "description": "Individuals not in any other category, e.g. people "
                    "mentioned in correspondence or incidents.",
     "dpv_iri": ROPA_NS + "MemberOfPublic"},
]


# ---------------------------------------------------------------------------
# 7. Categories of personal data
# ---------------------------------------------------------------------------


#: EDPB DPIA criterion 7 (WP248 rev.01): data subjects in a weaker position than the
#: controller; children are vulnerable and also need Art 8.
VULNERABLE_SUBJECTS = {"children", "employees", "patients", "vulnerable-individuals"}
CHILDREN_SUBJECTS = {"children"}
for _category in DATA_SUBJECT_CATEGORIES:
    _category["vulnerable"] = _category["code"] in VULNERABLE_SUBJECTS
    _category["children"] = _category["code"] in CHILDREN_SUBJECTS

#: On the ICO's list of processing likely to result in high risk (Art 35(4)): biometric and
#: genetic data, and data that tracks people's location or behaviour.
BIOMETRIC_DATA = {"biometric", "genetic"}
TRACKING_DATA = {"location"}


def _pdc(code, name, description, dpv_iri, special=False, criminal=False):
    return {
        "code": code,
        "name": name,
        "description": description,
        "special_category": special,
        "criminal_offence": criminal,
        "biometric": code in BIOMETRIC_DATA,
        "tracking": code in TRACKING_DATA,
        "dpv_iri": dpv_iri,
    }


PERSONAL_DATA_CATEGORIES = [
    # Ordinary personal data
    _pdc("identity", "Identity data",
         "Name, title, username or similar identifier.",
         PD + "Identifying"),
    _pdc("date-of-birth", "Date of birth and age",
         "Date of birth, age or age range.", PD + "BirthDate"),
    _pdc("contact", "Contact details",
         "Postal address, email address, telephone numbers.", PD + "Contact"),
    _pdc("government-identifiers", "Government identifiers",
         "National Insurance or other national identification number, "
         "passport, driving licence, tax reference numbers and copies of "
         "identity documents.", PD + "OfficialID"),
    _pdc("demographic", "Demographic data",
         "Gender, nationality, language, household and other demographic "
         "attributes (not special category data).", PD + "Demographic"),
    _pdc("family", "Family and dependants",
         "Marital status, dependants, next of kin and family details.",
         PD + "Family"),
    _pdc("financial", "Financial data",
         "Bank account details, income, credit standing and other financial "
         "information.", PD + "Financial"),
    _pdc("payment-card", "Payment card data",
         "Payment card numbers, expiry dates and related cardholder data "
         "(in scope of PCI DSS).", PD + "PaymentCard"),
    _pdc("transaction", "Transaction data",
         "Details of payments to and from the individual and of products and "
         "services purchased.", PD + "Transaction"),
    _pdc("technical", "Technical data",
         "IP address, browser type and version, operating system, device "
         "identifiers and other device information.", PD + "DeviceBased"),
    _pdc("online-identifiers", "Online identifiers and cookies",
         "Cookie identifiers, advertising IDs, pixel and similar tracking "
         "identifiers.", PD + "Identifier"),
    _pdc("usage", "Usage data",
         "How the individual uses websites, products and services, e.g. "
         "pages viewed, features used, session times.",
         PD + "ServiceConsumptionBehaviour"),
    _pdc("profile", "Profile data",
         "Account profile, preferences, interests, feedback and survey "
         "responses.", PD + "Profile"),
    _pdc("marketing-preferences", "Marketing and communications preferences",
         "Preferences for receiving marketing, consent and opt-out records, "
         "communication channel preferences.", PD + "Preference"),
    _pdc("location", "Location data",
         "Precise or approximate location, e.g. GPS, cell or IP-derived "
         "location.", PD + "Location"),
    _pdc("credentials", "Authentication credentials",
         "Passwords, PINs, security questions and other authentication "
         "secrets.", PD + "Authenticating"),
    _pdc("employment", "Employment and professional details",
         "Job title, employer, work history, qualifications, pay, "
         "performance and HR records.", PD + "Professional"),
    _pdc("education", "Education and training",
         "Education history, qualifications and training records.",
         PD + "Education"),
    _pdc("correspondence", "Correspondence",
         "Contents of emails, letters, chat and other messages to or from "
         "the individual.", PD + "Communication"),
    _pdc("call-records", "Call records and communications metadata",
         "Telephone numbers dialled and received, call times, durations and "
         "other call detail records.", PD + "CallLog"),
    _pdc("audio-recordings", "Audio recordings",
         "Recordings of telephone or video calls, voicemail and other voice "
         "recordings.", PD + "VoiceCommunicationRecording"),
    _pdc("images-video", "Images and video",
         "Photographs, video and CCTV footage (biometric processing of them "
         "is recorded separately).", PD + "Picture"),
    _pdc("social-media", "Social media data",
         "Social media handles, posts and interactions.", PD + "SocialMedia"),
    # Special category data (Art 9)
    _pdc("racial-ethnic-origin", "Racial or ethnic origin",
         "Data revealing racial or ethnic origin.",
         # DPV's concept of both: the parent of pd:Race and pd:EthnicOrigin.
         PD + "Ethnicity", special=True),
    _pdc("political-opinions", "Political opinions",
         "Data revealing political opinions.", PD + "PoliticalOpinion",
         special=True),
    _pdc("religious-philosophical-beliefs", "Religious or philosophical "
                                            "beliefs",
         "Data revealing religious or philosophical beliefs.",
         # DPV has no one concept for both; religion is the one DPV marks special.
         PD + "Religion", special=True),
    _pdc("trade-union-membership", "Trade union membership",
         "Data revealing trade union membership.",
         PD + "TradeUnionMembership", special=True),
    _pdc("genetic", "Genetic data",
         "Data on inherited or acquired genetic characteristics, e.g. from "
         "analysis of a biological sample.", PD + "Genetic", special=True),
    _pdc("biometric", "Biometric data (for identification)",
         "Biometric data processed to uniquely identify a person, e.g. "
         "facial recognition templates, fingerprints, voiceprints.",
         PD + "Biometric", special=True),
    _pdc("health", "Health data",
         "Data concerning physical or mental health, including the "
         "provision of health care, disability, sickness absence and "
         "occupational health.", PD + "Health", special=True),
    _pdc("sex-life", "Sex life",
         "Data concerning a person's sex life.", PD + "Sexual", special=True),
    _pdc("sexual-orientation", "Sexual orientation",
         "Data concerning a person's sexual orientation.",
         PD + "SexualPreference", special=True),
    # Criminal offence data (Art 10)
    _pdc("criminal-offences", "Criminal convictions and offences",
         "Data relating to criminal convictions and offences or related "
         "security measures, including allegations, proceedings and "
         "criminal record (e.g. DBS) checks.", PD + "Criminal",
         criminal=True),
]


# ---------------------------------------------------------------------------
# 8. Security measures (after the CNIL personal data security guide) and
#    certifications
# ---------------------------------------------------------------------------

SECURITY_MEASURES = [
    # Organisational
    {"code": "information-security-policy", "name": "Information security policy",
     "kind": "organisational",
     "description": "Approved, reviewed policy setting security rules, roles "
                    "and responsibilities.",
     "dpv_iri": DPV + "InformationSecurityPolicy"},
    {"code": "data-protection-policy", "name": "Data protection policy",
     "kind": "organisational",
     "description": "Policy and procedures for complying with data protection "
                    "law (accountability, records, rights requests, DPIAs).",
     "dpv_iri": DPV + "DataProcessingPolicy"},
    {"code": "user-awareness", "name": "Staff awareness and training",
     "kind": "organisational",
     "description": "Regular security and data protection awareness and "
                    "training for users, with IT charter / acceptable use "
                    "rules.",
     "dpv_iri": DPV + "StaffTraining"},
    {"code": "confidentiality-agreements", "name": "Staff confidentiality "
                                               "agreements",
     "kind": "organisational",
     "description": "Confidentiality clauses or agreements signed by staff "
                    "and contractors with access to personal data.",
     "dpv_iri": DPV + "ConfidentialityAgreement"},
    {"code": "access-management", "name": "Access management and authorisation",
     "kind": "organisational",
     "description": "Role-based access profiles on a least-privilege basis, "
                    "with joiner/mover/leaver procedures and periodic access "
                    "reviews.",
     "dpv_iri": DPV + "AuthorisationProcedure"},
    {"code": "incident-management", "name": "Incident and breach management",
     "kind": "organisational",
     "description": "Procedure to detect, handle, record and where required "
                    "notify personal data breaches (72 hours to the "
                    "authority).",
     "dpv_iri": DPV + "IncidentManagementProcedures"},
    {"code": "business-continuity", "name": "Business continuity and disaster "
                                        "recovery",
     "kind": "organisational",
     "description": "Tested continuity and recovery plans for the systems "
                    "that process personal data.",
     "dpv_iri": DPV + "DisasterRecoveryProcedures"},
    {"code": "archiving", "name": "Secure archiving",
     "kind": "organisational",
     "description": "Archived data kept separately, with restricted access, "
                    "for defined retention periods.",
     "dpv_iri": DPV + "DataStoragePolicy"},
    {"code": "secure-destruction", "name": "Maintenance and secure destruction",
     "kind": "organisational",
     "description": "Supervised maintenance, and secure wiping or destruction "
                    "of media and equipment at end of life.",
     "dpv_iri": DPV + "DataErasurePolicy"},
    {"code": "processor-management", "name": "Subcontractor (processor) "
                                         "management",
     "kind": "organisational",
     "description": "Due diligence on processors, Art 28 contracts, "
                    "sub-processor approval and periodic audits.",
     "dpv_iri": DPV + "ThirdPartySecurityProcedures"},
    {"code": "data-minimisation", "name": "Data minimisation and retention",
     "kind": "organisational",
     "description": "Collecting only the data needed and deleting it at the "
                    "end of a defined retention period.",
     "dpv_iri": ROPA_NS + "DataMinimisation"},
    {"code": "physical-security", "name": "Physical security",
     "kind": "organisational",
     "description": "Controlled access to premises and server rooms, alarms, "
                    "visitor management, locked storage for paper records.",
     "dpv_iri": DPV + "PhysicalAccessControlMethod"},
    # Technical
    {"code": "authentication", "name": "User authentication",
     "kind": "technical",
     "description": "Unique accounts with strong passwords and multi-factor "
                    "authentication, especially for remote and admin access.",
     "dpv_iri": DPV + "AuthenticationProtocols"},
    {"code": "logging", "name": "Logging and traceability",
     "kind": "technical",
     "description": "Logging of access and actions on personal data, with "
                    "protected logs that are reviewed.",
     "dpv_iri": DPV + "ActivityMonitoring"},
    {"code": "workstation-security", "name": "Workstation security",
     "kind": "technical",
     "description": "Managed, patched workstations with anti-malware, "
                    "firewall and automatic screen locking.",
     "dpv_iri": DPV + "OperatingSystemSecurity"},
    {"code": "mobile-security", "name": "Mobile device security",
     "kind": "technical",
     "description": "Device management, encryption and remote wipe for "
                    "laptops, phones and tablets.",
     "dpv_iri": DPV + "MobilePlatformSecurity"},
    {"code": "network-protection", "name": "Network protection",
     "kind": "technical",
     "description": "Segmented internal network, firewalls, secure Wi-Fi and "
                    "VPN for remote access.",
     "dpv_iri": DPV + "NetworkSecurityProtocols"},
    {"code": "server-security", "name": "Server security",
     "kind": "technical",
     "description": "Hardened, patched servers with restricted "
                    "administrative access.",
     "dpv_iri": ROPA_NS + "ServerSecurity"},
    {"code": "website-security", "name": "Website security (TLS)",
     "kind": "technical",
     "description": "TLS on all pages, secure configuration and protection "
                    "against common web vulnerabilities.",
     "dpv_iri": DPV + "WebSecurityProtocols"},
    {"code": "backups", "name": "Backups",
     "kind": "technical",
     "description": "Regular, tested backups stored securely and separately "
                    "from production.",
     "dpv_iri": DPV + "DataBackupProtocols"},
    {"code": "secure-exchanges", "name": "Secure data exchanges",
     "kind": "technical",
     "description": "Encrypted channels or files for sharing data with other "
                    "organisations, with secrets sent separately.",
     "dpv_iri": ROPA_NS + "SecureExchange"},
    {"code": "encryption-at-rest", "name": "Encryption at rest",
     "kind": "technical",
     "description": "Encryption of stored data (disks, databases, backups) "
                    "with managed keys.",
     "dpv_iri": DPV + "EncryptionAtRest"},
    {"code": "encryption-in-transit", "name": "Encryption in transit",
     "kind": "technical",
     "description": "Encryption of data moving across networks (TLS, VPN, "
                    "SFTP).",
     "dpv_iri": DPV + "EncryptionInTransfer"},
    {"code": "pseudonymisation", "name": "Pseudonymisation",
     "kind": "technical",
     "description": "Replacing identifiers so data cannot be attributed to a "
                    "person without separately held additional information.",
     "dpv_iri": DPV + "Pseudonymisation"},
    {"code": "anonymisation", "name": "Anonymisation",
     "kind": "technical",
     "description": "Irreversibly altering data so individuals can no longer "
                    "be identified (the result is no longer personal data).",
     "dpv_iri": DPV + "Anonymisation"},
    {"code": "penetration-testing", "name": "Penetration testing",
     "kind": "technical",
     "description": "Periodic independent penetration tests and "
                    "vulnerability scans, with remediation tracked.",
     "dpv_iri": DPV + "PenetrationTestingMethods"},
    # Certifications
    {"code": "iso-27001", "name": "ISO/IEC 27001",
     "kind": "certification",
     "description": "Certified information security management system "
                    "(record the scope and certificate expiry).",
     "dpv_iri": ROPA_NS + "ISO-IEC-27001"},
    {"code": "iso-22301", "name": "ISO 22301",
     "kind": "certification",
     "description": "Certified business continuity management system.",
     "dpv_iri": ROPA_NS + "ISO-22301"},
    {"code": "iso-9001", "name": "ISO 9001",
     "kind": "certification",
     "description": "Certified quality management system (not a security "
                    "standard in itself).",
     "dpv_iri": ROPA_NS + "ISO-9001"},
    {"code": "cyber-essentials", "name": "Cyber Essentials",
     "kind": "certification",
     "description": "UK government-backed baseline certification "
                    "(self-assessment verified by a certification body).",
     "dpv_iri": ROPA_NS + "CyberEssentials"},
    {"code": "cyber-essentials-plus", "name": "Cyber Essentials Plus",
     "kind": "certification",
     "description": "Cyber Essentials with independent hands-on technical "
                    "verification.",
     "dpv_iri": ROPA_NS + "CyberEssentialsPlus"},
    {"code": "soc-2", "name": "SOC 2",
     "kind": "certification",
     "description": "AICPA SOC 2 attestation report (Type I or II) on "
                    "security and related trust services criteria; an audit "
                    "report rather than a certificate.",
     "dpv_iri": ROPA_NS + "SOC2"},
    {"code": "pci-dss", "name": "PCI DSS",
     "kind": "certification",
     "description": "Payment Card Industry Data Security Standard compliance, "
                    "validated by a Report on Compliance or Self-Assessment "
                    "Questionnaire.",
     "dpv_iri": ROPA_NS + "PCI-DSS"},
]


# ---------------------------------------------------------------------------
# 9. Categories of recipients
# ---------------------------------------------------------------------------

RECIPIENT_CATEGORIES = [
    {"code": "hosting-provider", "name": "Hosting and data centre providers",
     "description": "Providers of hosting, colocation and data centre "
                    "services (usually processors).",
     "dpv_iri": DPV + "DataProcessor"},
    {"code": "cloud-provider", "name": "Cloud service providers",
     "description": "Infrastructure and platform cloud providers (IaaS/PaaS), "
                    "usually processors.",
     "dpv_iri": DPV + "DataProcessor"},
    {"code": "business-software", "name": "Business software and application "
                                      "providers",
     "description": "SaaS providers of office, collaboration, HR, finance "
                    "and other business applications (usually processors).",
     "dpv_iri": DPV + "DataProcessor"},
    {"code": "crm-provider", "name": "CRM providers",
     "description": "Customer relationship management platforms (usually "
                    "processors).",
     "dpv_iri": DPV + "DataProcessor"},
    {"code": "helpdesk-provider", "name": "Helpdesk and customer support "
                                      "software",
     "description": "Ticketing, live chat and customer support platforms "
                    "(usually processors).",
     "dpv_iri": DPV + "DataProcessor"},
    {"code": "telecoms-carrier", "name": "Telecommunications carriers",
     "description": "Telephone, messaging and network carriers conveying "
                    "communications (often controllers for their own "
                    "traffic data).",
     "dpv_iri": ""},
    {"code": "analytics-provider", "name": "Analytics providers",
     "description": "Web, product and marketing analytics services; check "
                    "whether they act as processor or (joint) controller.",
     "dpv_iri": ""},
    {"code": "marketing-platform", "name": "Marketing and email platforms",
     "description": "Email marketing, marketing automation and advertising "
                    "platforms; role depends on the service.",
     "dpv_iri": ""},
    {"code": "payment-processor", "name": "Payment processors",
     "description": "Payment service providers and acquirers (often "
                    "independent controllers for regulatory purposes).",
     "dpv_iri": ""},
    {"code": "billing-provider", "name": "Billing and invoicing providers",
     "description": "Billing, subscription management and invoicing services "
                    "(usually processors).",
     "dpv_iri": DPV + "DataProcessor"},
    {"code": "it-services", "name": "IT and software development services",
     "description": "Managed IT, support, consultancy and software "
                    "development contractors with access to data (usually "
                    "processors).",
     "dpv_iri": DPV + "DataProcessor"},
    {"code": "recruitment-provider", "name": "Recruitment providers",
     "description": "Recruitment agencies, applicant tracking systems and "
                    "background screening providers.",
     "dpv_iri": ""},
    {"code": "professional-advisers", "name": "Professional advisers",
     "description": "Lawyers, auditors, accountants, insurers, brokers and "
                    "bankers (usually independent controllers).",
     "dpv_iri": ""},
    {"code": "credit-reference", "name": "Credit reference and company "
                                     "information providers",
     "description": "Credit reference agencies, fraud prevention and company "
                    "information services.",
     "dpv_iri": ""},
    {"code": "group-companies", "name": "Group companies",
     "description": "Other companies in the same corporate group.",
     "dpv_iri": ""},
    {"code": "tax-authority", "name": "Tax authorities (e.g. HMRC)",
     "description": "HM Revenue & Customs and other tax authorities.",
     "dpv_iri": DPV + "NationalAuthority"},
    {"code": "regulators-authorities", "name": "Regulators and public "
                                           "authorities",
     "description": "Regulators, supervisory authorities, law enforcement, "
                    "courts and other public bodies where required by law.",
     "dpv_iri": DPV + "Authority"},
    {"code": "other", "name": "Other recipients",
     "description": "Recipients not covered by another category (describe "
                    "them in the processing record).",
     "dpv_iri": DPV + "Recipient"},
]
