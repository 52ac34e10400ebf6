"""The DCAT-AP_IT record of the published dataset and its distributions (RDF, built with rdflib).

DCAT-AP_IT is the Italian profile of DCAT-AP that the national catalogue (dati.gov.it) harvests
and that CKAN portals import through ``ckanext-dcatapit``. Per dataset: identifier (the IPA code
of the rights holder, then the dataset's name), title, description, theme, publisher and rights
holder (each an agent with its IPA code), modification date, update frequency, language,
temporal coverage, keywords, contact point where set; per distribution: format, licence, access
and download address. Written as Turtle and RDF/XML.
"""

from __future__ import annotations

import datetime as dt

from .settings import PublicationSettings

DCATAPIT = "http://dati.gov.it/onto/dcatapit#"
EU = "http://publications.europa.eu/resource/authority/"
LICENCE_CC_BY = "https://w3id.org/italia/controlled-vocabulary/licences/A21_CCBY40"


def dcat_graph(
    settings: PublicationSettings,
    identifier: str,
    title: str,
    description: str,
    modified: dt.date,
    start: dt.date,
    end: dt.date,
    distributions: list[tuple[str, str, str]],
):
    """The record as an rdflib Graph; ``distributions``: ``(file name, title, format)`` (CSV, JSON, PDF)."""
    from rdflib import BNode, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

    dcatapit, vcard = Namespace(DCATAPIT), Namespace("http://www.w3.org/2006/vcard/ns#")
    graph = Graph()
    for prefix, space in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("dcatapit", dcatapit), ("vcard", vcard)):
        graph.bind(prefix, space)
    base = settings.address
    dataset, catalog = URIRef(f"{base}{identifier.split(':', 1)[-1]}"), URIRef(base)

    def agent(name: str, ipa: str) -> BNode:
        node = BNode()
        graph.add((node, RDF.type, dcatapit.Agent))
        graph.add((node, RDF.type, FOAF.Agent))
        graph.add((node, FOAF.name, Literal(name, lang="it")))
        graph.add((node, DCTERMS.identifier, Literal(ipa)))
        return node

    today = Literal(modified.isoformat(), datatype=XSD.date)
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, RDF.type, dcatapit.Catalog))
    graph.add((catalog, DCTERMS.title, Literal(f"Dati aperti di {settings.publisher}", lang="it")))
    graph.add((catalog, DCTERMS.description, Literal(f"Catalogo dei dati aperti di {settings.publisher}", lang="it")))
    graph.add((catalog, DCTERMS.publisher, agent(settings.publisher, settings.publisher_ipa)))
    graph.add((catalog, DCTERMS.modified, today))
    graph.add((catalog, DCAT.dataset, dataset))

    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, RDF.type, dcatapit.Dataset))
    graph.add((dataset, DCTERMS.identifier, Literal(identifier)))
    graph.add((dataset, DCTERMS.title, Literal(title, lang="it")))
    graph.add((dataset, DCTERMS.description, Literal(description, lang="it")))
    graph.add((dataset, DCAT.theme, URIRef(f"{EU}data-theme/{settings.theme}")))
    graph.add((dataset, DCTERMS.publisher, agent(settings.publisher, settings.publisher_ipa)))
    graph.add((dataset, DCTERMS.rightsHolder, agent(settings.rights_holder, settings.rights_holder_ipa)))
    graph.add((dataset, DCTERMS.modified, today))
    graph.add((dataset, DCTERMS.accrualPeriodicity, URIRef(f"{EU}frequency/{settings.frequency}")))
    graph.add((dataset, DCTERMS.language, URIRef(f"{EU}language/ITA")))
    for word in settings.keywords:
        graph.add((dataset, DCAT.keyword, Literal(word, lang="it")))
    period = BNode()
    graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
    graph.add((period, DCAT.startDate, Literal(start.isoformat(), datatype=XSD.date)))
    graph.add((period, DCAT.endDate, Literal(end.isoformat(), datatype=XSD.date)))
    graph.add((dataset, DCTERMS.temporal, period))
    if settings.contact or settings.contact_email:
        contact = BNode()
        graph.add((contact, RDF.type, vcard.Organization))
        graph.add((contact, RDF.type, dcatapit.Organization))
        graph.add((contact, vcard.fn, Literal(settings.contact or settings.publisher)))
        if settings.contact_email:
            graph.add((contact, vcard.hasEmail, URIRef(f"mailto:{settings.contact_email}")))
        graph.add((dataset, DCAT.contactPoint, contact))
    licence = URIRef(LICENCE_CC_BY)
    graph.add((licence, RDF.type, dcatapit.LicenseDocument))
    graph.add((licence, DCTERMS.type, URIRef("http://purl.org/adms/licencetype/Attribution")))
    graph.add((licence, FOAF.name, Literal("CC BY 4.0")))
    for name, shown, kind in distributions:
        node = URIRef(f"{dataset}/{name}")
        graph.add((node, RDF.type, DCAT.Distribution))
        graph.add((node, RDF.type, dcatapit.Distribution))
        graph.add((node, DCTERMS.title, Literal(shown, lang="it")))
        graph.add((node, DCTERMS.format, URIRef(f"{EU}file-type/{kind}")))
        graph.add((node, DCTERMS.license, licence))
        graph.add((node, DCAT.accessURL, URIRef(f"{dataset}/")))
        graph.add((node, DCAT.downloadURL, URIRef(f"{dataset}/{name}")))
        graph.add((dataset, DCAT.distribution, node))
    return graph
