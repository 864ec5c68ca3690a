"""Where synthetic workers live and connect from: countries, cities, streets, phone plans, ISPs.

Countries carry the population share and the mix of name cultures seen there (every culture can
appear anywhere). Cities give the region, IANA time zone, postcode prefix and, for North America, the
local area codes, so a Chicago worker has a Chicago number and signs in during Chicago business hours.
Phone prefixes are ranges ``phonenumbers`` accepts as valid; ISP pools are real residential networks
of the country, chosen not to overlap, so a /24 identifies one country and one ASN.
"""

from __future__ import annotations

from typing import NamedTuple


class City(NamedTuple):
    """A city a worker can live in: region, IANA zone, postcode prefix and (NANP only) area codes."""

    name: str
    region: str
    timezone: str
    postal: str
    areas: str = ""


class CountrySpec(NamedTuple):
    """How workers of one country look: share of the population, name cultures, cities, streets."""

    code: str
    weight: float
    cultures: tuple[tuple[str, float], ...]
    cities: tuple[City, ...]
    streets: tuple[str, ...]


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _country(code: str, weight: float, cultures: str, streets: tuple[str, ...], cities: str) -> CountrySpec:
    mix = tuple((name, float(share)) for name, share in (item.split() for item in _split(cultures)))
    rows = tuple(City(*(p.strip() for p in row.split("|"))) for row in cities.strip().splitlines())
    return CountrySpec(code, weight, mix, rows, streets)


US_STREETS = _split(
    "Main, Oak, Maple, Cedar, Pine, Elm, Washington, Lake, Hill, Park, Sunset, Highland, Ridge, Church,"
    "Walnut, Spring, Willow, Lincoln, Jefferson, Madison, Franklin, River, Meadow, Forest, Chestnut,"
    "Magnolia, Dogwood, Hickory, Birch, Aspen, Laurel, Juniper, Sycamore, Cherry, Poplar, Orchard"
)
# Long and abbreviated spellings of US street suffixes: normal records use the long form; the benign
# "same address, different formatting" look-alike uses the USPS abbreviation.
US_SUFFIXES: dict[str, str] = {
    "Street": "ST",
    "Avenue": "AVE",
    "Road": "RD",
    "Drive": "DR",
    "Lane": "LN",
    "Court": "CT",
    "Boulevard": "BLVD",
    "Place": "PL",
    "Terrace": "TER",
}

COUNTRIES: tuple[CountrySpec, ...] = (
    _country(
        "US",
        0.55,
        "anglo .44, hispanic .15, chinese .07, indian .08, korean .05, arabic .04, slavic .05, german .03,"
        "filipino .04, lusophone .03, dutch .02",
        US_STREETS,
        """
        New York|NY|America/New_York|100|212 646 917
        Brooklyn|NY|America/New_York|112|718 347 929
        Boston|MA|America/New_York|021|617 857
        Philadelphia|PA|America/New_York|191|215 267
        Atlanta|GA|America/New_York|303|404 470 678
        Miami|FL|America/New_York|331|305 786
        Charlotte|NC|America/New_York|282|704 980
        Raleigh|NC|America/New_York|276|919 984
        Columbus|OH|America/New_York|432|614 380
        Pittsburgh|PA|America/New_York|152|412 878
        Chicago|IL|America/Chicago|606|312 773 872
        Austin|TX|America/Chicago|787|512 737
        Dallas|TX|America/Chicago|752|214 469 972
        Houston|TX|America/Chicago|770|713 281 832
        Minneapolis|MN|America/Chicago|554|612 952
        Nashville|TN|America/Chicago|372|615 629
        Kansas City|MO|America/Chicago|641|816
        Denver|CO|America/Denver|802|303 720
        Salt Lake City|UT|America/Denver|841|801 385
        Phoenix|AZ|America/Phoenix|850|602 480 623
        Los Angeles|CA|America/Los_Angeles|900|213 310 323
        San Francisco|CA|America/Los_Angeles|941|415 628
        San Diego|CA|America/Los_Angeles|921|619 858
        San Jose|CA|America/Los_Angeles|951|408 669
        Seattle|WA|America/Los_Angeles|981|206 253
        Portland|OR|America/Los_Angeles|972|503 971
        """,
    ),
    _country(
        "CA",
        0.06,
        "anglo .45, chinese .12, indian .12, korean .04, arabic .06, slavic .08, hispanic .05, filipino .05,german .03",
        US_STREETS,
        """
        Toronto|ON|America/Toronto|M5V|416 647 437
        Ottawa|ON|America/Toronto|K1P|613 343
        Montreal|QC|America/Toronto|H2X|514 438
        Vancouver|BC|America/Vancouver|V6B|604 778
        Calgary|AB|America/Edmonton|T2P|403 587
        Halifax|NS|America/Halifax|B3H|902 782
        """,
    ),
    _country(
        "GB",
        0.07,
        "anglo .6, indian .12, arabic .07, slavic .08, chinese .05, hispanic .04, german .04",
        _split(
            "High Street, Station Road, Church Lane, Victoria Road, Green Lane, Manor Road, Park Road,"
            "Queens Road, Kings Road, Mill Lane, Albert Street, Grange Road, Cedar Close, York Road"
        ),
        """
        London|England|Europe/London|SE1
        London|England|Europe/London|N1
        Manchester|England|Europe/London|M1
        Birmingham|England|Europe/London|B1
        Leeds|England|Europe/London|LS1
        Bristol|England|Europe/London|BS1
        Edinburgh|Scotland|Europe/London|EH1
        Glasgow|Scotland|Europe/London|G1
        """,
    ),
    _country(
        "DE",
        0.05,
        "german .7, slavic .1, arabic .08, anglo .04, hispanic .03, chinese .02, indian .03",
        _split(
            "Hauptstraße, Schulstraße, Gartenstraße, Bahnhofstraße, Dorfstraße, Bergstraße, Birkenweg,"
            "Lindenstraße, Kirchstraße, Waldstraße, Ringstraße, Goethestraße, Schillerstraße, Am Markt"
        ),
        """
        Berlin|Berlin|Europe/Berlin|10
        München|Bayern|Europe/Berlin|80
        Hamburg|Hamburg|Europe/Berlin|20
        Köln|Nordrhein-Westfalen|Europe/Berlin|50
        Frankfurt am Main|Hessen|Europe/Berlin|60
        Stuttgart|Baden-Württemberg|Europe/Berlin|70
        Leipzig|Sachsen|Europe/Berlin|04
        """,
    ),
    _country(
        "PL",
        0.05,
        "slavic .92, anglo .03, german .03, indian .02",
        _split(
            "ul. Polna, ul. Leśna, ul. Słoneczna, ul. Krótka, ul. Szkolna, ul. Ogrodowa, ul. Lipowa,"
            "ul. Brzozowa, ul. Łąkowa, ul. Kwiatowa, ul. Mickiewicza, ul. Kościuszki"
        ),
        """
        Warszawa|mazowieckie|Europe/Warsaw|02
        Kraków|małopolskie|Europe/Warsaw|30
        Wrocław|dolnośląskie|Europe/Warsaw|50
        Gdańsk|pomorskie|Europe/Warsaw|80
        Poznań|wielkopolskie|Europe/Warsaw|60
        Łódź|łódzkie|Europe/Warsaw|90
        """,
    ),
    _country(
        "IN",
        0.06,
        "indian .97, anglo .03",
        _split(
            "MG Road, Residency Road, Brigade Road, 100 Feet Road, Link Road, Station Road, Church Street,"
            "Park Street, Nehru Nagar, Gandhi Road, Lake View Road, Temple Street"
        ),
        """
        Bengaluru|Karnataka|Asia/Kolkata|560
        Hyderabad|Telangana|Asia/Kolkata|500
        Pune|Maharashtra|Asia/Kolkata|411
        Chennai|Tamil Nadu|Asia/Kolkata|600
        Mumbai|Maharashtra|Asia/Kolkata|400
        New Delhi|Delhi|Asia/Kolkata|110
        """,
    ),
    _country(
        "BR",
        0.04,
        "lusophone .85, hispanic .05, german .04, arabic .03, korean .01, chinese .02",
        _split(
            "Rua das Flores, Rua Augusta, Avenida Paulista, Rua da Consolação, Rua XV de Novembro,"
            "Rua São Bento, Avenida Brasil, Rua das Palmeiras, Rua Bela Vista, Rua do Comércio"
        ),
        """
        São Paulo|SP|America/Sao_Paulo|04
        Rio de Janeiro|RJ|America/Sao_Paulo|22
        Belo Horizonte|MG|America/Sao_Paulo|30
        Curitiba|PR|America/Sao_Paulo|80
        Porto Alegre|RS|America/Sao_Paulo|90
        Recife|PE|America/Recife|50
        """,
    ),
    _country(
        "PH",
        0.04,
        "filipino .95, chinese .05",
        _split(
            "Rizal Street, Mabini Street, Bonifacio Avenue, Ayala Avenue, Mango Avenue, Quezon Avenue,"
            "Luna Street, Del Pilar Street, Katipunan Avenue, Osmeña Boulevard"
        ),
        """
        Makati|Metro Manila|Asia/Manila|12
        Quezon City|Metro Manila|Asia/Manila|11
        Taguig|Metro Manila|Asia/Manila|16
        Cebu City|Cebu|Asia/Manila|60
        Davao City|Davao del Sur|Asia/Manila|80
        """,
    ),
    _country(
        "ES",
        0.03,
        "hispanic .85, arabic .05, slavic .04, anglo .03, german .03",
        _split(
            "Calle Mayor, Calle Real, Calle de Alcalá, Avenida de la Constitución, Calle del Sol,"
            "Calle San Juan, Calle de la Paz, Gran Vía, Calle Nueva, Paseo del Prado"
        ),
        """
        Madrid|Madrid|Europe/Madrid|28
        Barcelona|Barcelona|Europe/Madrid|08
        Valencia|Valencia|Europe/Madrid|46
        Sevilla|Sevilla|Europe/Madrid|41
        Málaga|Málaga|Europe/Madrid|29
        Bilbao|Bizkaia|Europe/Madrid|48
        """,
    ),
    _country(
        "MX",
        0.03,
        "hispanic .95, anglo .03, arabic .02",
        _split(
            "Avenida Reforma, Calle Hidalgo, Calle Morelos, Avenida Juárez, Calle Allende, Calle Zaragoza,"
            "Avenida Insurgentes, Calle Madero, Calle Guerrero, Avenida Revolución"
        ),
        """
        Ciudad de México|CDMX|America/Mexico_City|06
        Guadalajara|Jalisco|America/Mexico_City|44
        Monterrey|Nuevo León|America/Monterrey|64
        Puebla|Puebla|America/Mexico_City|72
        Querétaro|Querétaro|America/Mexico_City|76
        """,
    ),
    _country(
        "NL",
        0.02,
        "dutch .75, arabic .08, german .05, anglo .05, slavic .04, indian .03",
        _split(
            "Kerkstraat, Dorpsstraat, Molenweg, Stationsweg, Schoolstraat, Julianastraat, Beatrixlaan,"
            "Prinsengracht, Lindenlaan, Wilhelminastraat"
        ),
        """
        Amsterdam|Noord-Holland|Europe/Amsterdam|10
        Rotterdam|Zuid-Holland|Europe/Amsterdam|30
        Utrecht|Utrecht|Europe/Amsterdam|35
        Den Haag|Zuid-Holland|Europe/Amsterdam|25
        Eindhoven|Noord-Brabant|Europe/Amsterdam|56
        """,
    ),
)
COUNTRY: dict[str, CountrySpec] = {spec.code: spec for spec in COUNTRIES}


def _phone_plans(text: str) -> dict[str, tuple[str, tuple[str, ...], int]]:
    plans: dict[str, tuple[str, tuple[str, ...], int]] = {}
    for line in text.strip().splitlines():
        country, calling_code, digits, *prefixes = line.split()
        plans[country] = (calling_code, tuple(prefixes), int(digits))
    return plans


# Country, calling code, subscriber digits after the prefix, valid mobile prefixes. NANP numbers use
# the city's area codes instead of this list (kept as a fallback).
PHONE_PLANS = _phone_plans("""
    US 1 7 212 312 415 512 617 206 303 404
    CA 1 7 416 604 514 403 613 902
    GB 44 6 7400 7412 7711 7723 7734 7745 7756 7767 7788 7800 7812 7823 7834 7900 7912 7940 7951 7960
    DE 49 8 151 152 157 159 160 162 163 170 171 172 173 174 175 176 177 178 179
    PL 48 7 50 51 53 57 60 66 69 72 78 79 88
    IN 91 8 98 99 97 96 70 81 88 90 93 94 95
    BR 55 8 119 219 319 419 519 619 719 819
    PH 63 7 917 918 905 906 915 916 926 927 935 945 955 995 998
    ES 34 8 6
    MX 52 8 55 33 81 22 44
    NL 31 7 61 62 63 64 65
""")


def _pools(text: str) -> dict[str, tuple[tuple[int, str], ...]]:
    pools: dict[str, tuple[tuple[int, str], ...]] = {}
    for line in text.strip().splitlines():
        country, *pairs = line.split()
        found = tuple((int(asn), cidr) for asn, cidr in (pair.split("@") for pair in pairs))
        pools[country] = pools.get(country, ()) + found
    return pools


# Residential ISPs per country as ASN@pool (a country may take several lines). Sized for about a
# million contractors with room to spare; ``Registry.egress`` raises rather than reuse a /24.
EGRESS_POOLS = _pools("""
    US 7922@73.0.0.0/8 7922@24.0.0.0/8 7922@67.0.0.0/8 22773@68.0.0.0/8 22773@70.0.0.0/8 701@71.0.0.0/8
    US 701@72.0.0.0/8 7018@75.0.0.0/8 7018@99.0.0.0/8 7018@107.0.0.0/8 20115@97.0.0.0/8 20115@98.0.0.0/8
    CA 812@174.0.0.0/9 577@142.0.0.0/9 6327@184.64.0.0/10 852@154.0.0.0/10
    GB 2856@86.0.0.0/9 5089@81.0.0.0/9 5607@90.0.0.0/10 2856@109.144.0.0/12
    DE 3320@79.192.0.0/10 3320@91.0.0.0/10 3320@84.128.0.0/10 3320@93.192.0.0/10 3209@88.64.0.0/12
    DE 6805@78.32.0.0/11
    PL 5617@83.0.0.0/12 12741@83.24.0.0/13 5617@89.64.0.0/10 5617@31.0.0.0/10 5617@37.64.0.0/10
    PL 12741@95.40.0.0/13
    IN 24560@122.160.0.0/12 55836@49.32.0.0/11 55836@157.32.0.0/11 24560@106.192.0.0/10
    IN 45609@117.192.0.0/10 24560@182.64.0.0/10
    BR 28573@177.0.0.0/12 18881@187.0.0.0/12 28573@179.64.0.0/10 18881@189.0.0.0/10 26599@191.0.0.0/10
    PH 9299@112.198.0.0/15 132199@49.144.0.0/13 132199@175.176.0.0/12 9299@124.104.0.0/13
    PH 9299@120.28.0.0/14 132199@180.192.0.0/10 9299@103.64.0.0/10
    ES 3352@83.32.0.0/11 12479@90.160.0.0/12 3352@88.0.0.0/12 12430@95.16.0.0/12 3352@80.24.0.0/13
    ES 3352@80.32.0.0/11 12479@92.176.0.0/12 12430@95.120.0.0/13
    MX 8151@187.128.0.0/10 8151@189.128.0.0/10 8151@201.96.0.0/11
    NL 33915@84.24.0.0/13 1136@77.160.0.0/12 33915@62.194.0.0/15 1136@145.128.0.0/10 33915@212.238.0.0/15
""")
# Hosting network used by consumer-VPN exits (the planted Astrill sign-ins), one fresh /24 per use.
HOSTING_POOL: tuple[int, str] = (9009, "146.70.0.0/16")
# The company's own GlobalProtect gateways (documentation ranges and ASN). Every worker on the corporate
# VPN shares them, which is exactly why an egress shared there must not link anyone.
CORPORATE_VPN: tuple[tuple[int, str], ...] = ((64496, "198.51.100.0/24"), (64496, "203.0.113.0/24"))

PERSONAL_EMAIL_DOMAINS: dict[str, tuple[str, ...]] = {
    "default": ("gmail.com", "outlook.com", "yahoo.com", "proton.me", "icloud.com", "hotmail.com"),
    "DE": ("gmail.com", "gmx.de", "web.de", "outlook.com", "posteo.de"),
    "PL": ("gmail.com", "wp.pl", "onet.pl", "o2.pl", "outlook.com"),
    "GB": ("gmail.com", "outlook.com", "btinternet.com", "yahoo.co.uk", "icloud.com"),
    "BR": ("gmail.com", "outlook.com", "uol.com.br", "bol.com.br", "hotmail.com"),
    "NL": ("gmail.com", "outlook.com", "ziggo.nl", "kpnmail.nl", "hotmail.com"),
}
