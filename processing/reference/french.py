"""French names of the reference terms of ``data.py``, by list and code.

The CNIL layout is read by French auditors: it shows each term by its French name
(``name_fr``), loaded with the term. Wording follows the GDPR's French text (RGPD) and
the CNIL's templates; UK provisions (DPA 2018 Schedule 1, UK transfer tools) are given a
French rendering of their title. Every term of ``data.py`` has one here: the tests fail
for a term without its French name.

Country names in French come from pycountry's ISO 3166 catalogues (see ``load.py``).
"""

import re

LAWFUL_BASES = {
    "A6-1-a": "Consentement",
    "A6-1-b": "Exécution d'un contrat",
    "A6-1-c": "Obligation légale",
    "A6-1-d": "Sauvegarde des intérêts vitaux",
    "A6-1-e": "Mission d'intérêt public",
    "A6-1-f": "Intérêts légitimes",
    "UK-A6-1-ea": "Intérêt légitime reconnu (Royaume-Uni)",
}

ART9_CONDITIONS = {
    "A9-2-a": "Consentement explicite",
    "A9-2-b": "Droit du travail, de la sécurité sociale et de la protection sociale",
    "A9-2-c": "Sauvegarde des intérêts vitaux",
    "A9-2-d": "Organismes à but non lucratif",
    "A9-2-e": "Données manifestement rendues publiques par la personne concernée",
    "A9-2-f": "Constatation, exercice ou défense de droits en justice",
    "A9-2-g": "Motifs d'intérêt public important",
    "A9-2-h": "Médecine, santé et protection sociale",
    "A9-2-i": "Santé publique",
    "A9-2-j": "Archivage, recherche scientifique ou historique et statistiques",
}

SCHEDULE1_CONDITIONS = {
    "DPA2018-S1-P1-1": "Emploi, sécurité sociale et protection sociale",
    "DPA2018-S1-P1-2": "Finalités de santé ou d'action sociale",
    "DPA2018-S1-P1-3": "Santé publique",
    "DPA2018-S1-P1-4": "Recherche, archivage et statistiques",
    "DPA2018-S1-P2-6": "Finalités légales et gouvernementales",
    "DPA2018-S1-P2-7": "Administration de la justice et finalités parlementaires",
    "DPA2018-S1-P2-8": "Égalité des chances ou de traitement",
    "DPA2018-S1-P2-9": "Diversité raciale et ethnique aux postes de direction",
    "DPA2018-S1-P2-10": "Prévention ou détection d'actes illicites",
    "DPA2018-S1-P2-11": "Protection du public contre la malhonnêteté",
    "DPA2018-S1-P2-12": "Exigences réglementaires relatives aux actes illicites et à la "
                        "malhonnêteté",
    "DPA2018-S1-P2-13": "Journalisme en lien avec des actes illicites ou la malhonnêteté",
    "DPA2018-S1-P2-14": "Prévention de la fraude",
    "DPA2018-S1-P2-15": "Soupçon de financement du terrorisme ou de blanchiment de capitaux",
    "DPA2018-S1-P2-16": "Soutien aux personnes atteintes d'un handicap ou d'une affection "
                        "particulière",
    "DPA2018-S1-P2-17": "Conseil et accompagnement",
    "DPA2018-S1-P2-18": "Protection des enfants et des personnes vulnérables",
    "DPA2018-S1-P2-19": "Protection du bien-être économique de certaines personnes",
    "DPA2018-S1-P2-20": "Assurance",
    "DPA2018-S1-P2-21": "Retraites professionnelles",
    "DPA2018-S1-P2-22": "Partis politiques",
    "DPA2018-S1-P2-23": "Élus répondant à des demandes",
    "DPA2018-S1-P2-24": "Communication aux élus",
    "DPA2018-S1-P2-25": "Information des élus sur les personnes détenues",
    "DPA2018-S1-P2-26": "Publication des décisions de justice",
    "DPA2018-S1-P2-27": "Lutte contre le dopage dans le sport",
    "DPA2018-S1-P2-28": "Règles de comportement dans le sport",
    "DPA2018-S1-P3-29": "Consentement",
    "DPA2018-S1-P3-30": "Sauvegarde des intérêts vitaux de la personne",
    "DPA2018-S1-P3-31": "Traitement par des organismes à but non lucratif",
    "DPA2018-S1-P3-32": "Données personnelles rendues publiques",
    "DPA2018-S1-P3-33": "Droits en justice",
    "DPA2018-S1-P3-34": "Actes juridictionnels",
    "DPA2018-S1-P3-35": "Gestion de comptes utilisés pour des infractions d'atteinte "
                        "sexuelle sur mineurs",
    "DPA2018-S1-P3-36": "Extension des conditions de la partie 2 relatives à l'intérêt "
                        "public important",
    "DPA2018-S1-P3-37": "Extension des conditions relatives à l'assurance",
    "A10-official-authority": "Sous le contrôle de l'autorité publique",
}

TRANSFER_MECHANISMS = {
    "A45-3": "Décision d'adéquation de l'UE",
    "UK-A45A": "Règlement d'adéquation du Royaume-Uni (transferts autorisés par règlement)",
    "EU-US-DPF": "Certification au cadre de protection des données UE-États-Unis (DPF)",
    "UK-US-DATA-BRIDGE": "Extension britannique du DPF UE-États-Unis (« data bridge » "
                         "Royaume-Uni-États-Unis)",
    "EU-SCC-2021": "Clauses contractuelles types de l'UE (2021)",
    "UK-IDTA": "Accord de transfert international de données du Royaume-Uni (IDTA)",
    "UK-ADDENDUM": "Avenant britannique aux clauses contractuelles types de l'UE",
    "BCR": "Règles d'entreprise contraignantes (BCR)",
    "A46-2-e": "Code de conduite approuvé assorti d'engagements contraignants",
    "A46-2-f": "Mécanisme de certification approuvé assorti d'engagements contraignants",
    "A46-2-a": "Instrument juridiquement contraignant entre autorités ou organismes publics",
    "A46-2-d": "Clauses types de protection des données adoptées par une autorité de contrôle",
    "A46-3-b": "Arrangements administratifs entre autorités publiques, autorisés par "
               "l'autorité de contrôle",
    "A46-3-a": "Clauses contractuelles ad hoc autorisées par l'autorité de contrôle",
    "A49-1-a": "Dérogation : consentement explicite",
    "A49-1-b": "Dérogation : contrat avec la personne concernée",
    "A49-1-c": "Dérogation : contrat dans l'intérêt de la personne concernée",
    "A49-1-d": "Dérogation : motifs importants d'intérêt public",
    "A49-1-e": "Dérogation : droits en justice",
    "A49-1-f": "Dérogation : intérêts vitaux",
    "A49-1-g": "Dérogation : registre public",
    "A49-1-compelling-li": "Dérogation : intérêts légitimes impérieux",
}

DATA_SUBJECT_CATEGORIES = {
    "customers": "Clients",
    "prospects": "Prospects",
    "end-users": "Utilisateurs finaux",
    "website-visitors": "Visiteurs des sites web et applications",
    "subscribers": "Abonnés",
    "callers": "Appelants et participants aux appels",
    "complainants": "Plaignants et demandeurs d'information",
    "job-applicants": "Candidats à l'emploi",
    "employees": "Salariés",
    "former-employees": "Anciens salariés",
    "contractors": "Prestataires et intérimaires",
    "emergency-contacts": "Proches et personnes à prévenir en cas d'urgence",
    "suppliers": "Fournisseurs",
    "business-contacts": "Contacts professionnels",
    "channel-partners": "Partenaires de distribution et revendeurs",
    "shareholders": "Actionnaires et investisseurs",
    "members": "Membres et adhérents",
    "volunteers": "Bénévoles",
    "students": "Étudiants et stagiaires",
    "children": "Enfants",
    "parents-guardians": "Parents et tuteurs",
    "patients": "Patients et usagers",
    "vulnerable-individuals": "Personnes vulnérables",
    "visitors": "Visiteurs des locaux",
    "event-attendees": "Participants aux événements",
    "members-of-public": "Grand public",
}

PERSONAL_DATA_CATEGORIES = {
    "identity": "État civil, identité, données d'identification",
    "date-of-birth": "Date de naissance et âge",
    "contact": "Coordonnées",
    "government-identifiers": "Identifiants officiels",
    "demographic": "Données démographiques",
    "family": "Situation familiale et personnes à charge",
    "financial": "Informations d'ordre économique et financier",
    "payment-card": "Données de carte de paiement",
    "transaction": "Données de transaction",
    "technical": "Données techniques",
    "online-identifiers": "Identifiants en ligne et cookies",
    "usage": "Données d'utilisation",
    "profile": "Données de profil",
    "marketing-preferences": "Préférences de prospection et de communication",
    "location": "Données de localisation",
    "credentials": "Données d'authentification",
    "employment": "Vie professionnelle",
    "education": "Formation et diplômes",
    "correspondence": "Correspondance",
    "call-records": "Données de connexion et relevés d'appels",
    "audio-recordings": "Enregistrements audio",
    "images-video": "Images et vidéos",
    "social-media": "Données de réseaux sociaux",
    "racial-ethnic-origin": "Origine raciale ou ethnique",
    "political-opinions": "Opinions politiques",
    "religious-philosophical-beliefs": "Convictions religieuses ou philosophiques",
    "trade-union-membership": "Appartenance syndicale",
    "genetic": "Données génétiques",
    "biometric": "Données biométriques (aux fins d'identification)",
    "health": "Données de santé",
    "sex-life": "Vie sexuelle",
    "sexual-orientation": "Orientation sexuelle",
    "criminal-offences": "Condamnations pénales et infractions",
}

SECURITY_MEASURES = {
    "information-security-policy": "Politique de sécurité des systèmes d'information",
    "data-protection-policy": "Politique de protection des données",
    "user-awareness": "Sensibilisation et formation du personnel",
    "confidentiality-agreements": "Engagements de confidentialité du personnel",
    "access-management": "Gestion des habilitations",
    "incident-management": "Gestion des incidents et des violations",
    "business-continuity": "Continuité d'activité et reprise après sinistre",
    "archiving": "Archivage sécurisé",
    "secure-destruction": "Maintenance et destruction sécurisées",
    "processor-management": "Encadrement des sous-traitants",
    "data-minimisation": "Minimisation et conservation des données",
    "physical-security": "Sécurité physique des locaux",
    "authentication": "Authentification des utilisateurs",
    "logging": "Journalisation et traçabilité",
    "workstation-security": "Sécurisation des postes de travail",
    "mobile-security": "Sécurisation de l'informatique mobile",
    "network-protection": "Protection du réseau informatique interne",
    "server-security": "Sécurisation des serveurs",
    "website-security": "Sécurisation des sites web (TLS)",
    "backups": "Sauvegardes",
    "secure-exchanges": "Échanges sécurisés de données",
    "encryption-at-rest": "Chiffrement des données stockées",
    "encryption-in-transit": "Chiffrement des données en transit",
    "pseudonymisation": "Pseudonymisation",
    "anonymisation": "Anonymisation",
    "penetration-testing": "Tests d'intrusion",
    "iso-27001": "Certification ISO/IEC 27001",
    "iso-22301": "Certification ISO 22301",
    "iso-9001": "Certification ISO 9001",
    "cyber-essentials": "Certification Cyber Essentials",
    "cyber-essentials-plus": "Certification Cyber Essentials Plus",
    "soc-2": "Rapport SOC 2",
    "pci-dss": "Conformité PCI DSS",
}

RECIPIENT_CATEGORIES = {
    "hosting-provider": "Hébergeurs et centres de données",
    "cloud-provider": "Fournisseurs de services d'informatique en nuage",
    "business-software": "Éditeurs de logiciels et d'applications métier",
    "crm-provider": "Fournisseurs de logiciels de gestion de la relation client (CRM)",
    "helpdesk-provider": "Logiciels d'assistance et de support client",
    "telecoms-carrier": "Opérateurs de télécommunications",
    "analytics-provider": "Fournisseurs de mesure d'audience et d'analyse",
    "marketing-platform": "Plateformes de marketing et d'envoi de courriels",
    "payment-processor": "Prestataires de services de paiement",
    "billing-provider": "Prestataires de facturation",
    "it-services": "Prestataires informatiques et de développement logiciel",
    "recruitment-provider": "Cabinets de recrutement",
    "professional-advisers": "Conseils professionnels",
    "credit-reference": "Agences de renseignement commercial et de solvabilité",
    "group-companies": "Sociétés du groupe",
    "tax-authority": "Administrations fiscales (p. ex. HMRC)",
    "regulators-authorities": "Autorités de régulation et autorités publiques",
    "other": "Autres destinataires",
}


_ARTICLE_WORDS = (
    (re.compile(r"\bSch\. (\d+) Pt (\d+) para (\d+)"), r"ann. \1, partie \2, § \3"),
    (re.compile(r"\bArt (\d)"), r"art. \1"),
    (re.compile(r"\bDecision \(EU\)"), "décision (UE)"),
    (re.compile(r"\bsecond subparagraph\b"), "second alinéa"),
    (re.compile(r"\bformerly\b"), "anciennement"),
    (re.compile(r"\bs(\d+[A-Z]?)\b"), r"art. \1"),
)


def article_in_french(article: str) -> str:
    """An article reference as a French text cites it: "Art 9(2)(b)" -> "art. 9(2)(b)",
    "DPA 2018 Sch. 1 Pt 1 para 1" -> "DPA 2018 ann. 1, partie 1, § 1"; the titles of
    UK statutes and regulations are kept as enacted."""
    for pattern, replacement in _ARTICLE_WORDS:
        article = pattern.sub(replacement, article)
    return article
