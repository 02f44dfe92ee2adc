"""The one place a package's licence is worked out: an SPDX identifier where one applies.

`pypi_license` reads what a PyPI project declares (PEP 639 `license_expression`, the
`License ::` classifiers, the free-text `license` field) into one short value, stored on
`PyPIData.license`. `license_from_name` reads one free-text name (a `license` field, a
code host's licence) the same way. `package_license` is what a page, a grid column and
the search facet show: the PyPI value, else the code host's.

Values are SPDX identifiers or expressions ("MIT", "BSD-3-Clause", "GPL-2.0-only OR
LGPL-2.1-or-later") where the source is unambiguous, else a short name ("BSD",
"Apache", "GPL", "Public Domain", or the name as the author wrote it), else "".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Longer values, and any with a line break, are licence texts pasted into the field.
MAX_NAME_CHARS = 80

# SPDX identifiers in their canonical spelling (https://spdx.org/licenses/), the ones
# Python packages use; an expression made of these is kept as an expression.
_SPDX_IDS = (
    "0BSD", "AFL-3.0", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-1.1", "Apache-2.0",
    "Artistic-2.0", "BlueOak-1.0.0", "BSD-1-Clause", "BSD-2-Clause", "BSD-3-Clause",
    "BSD-3-Clause-Clear", "BSD-4-Clause", "BSL-1.0", "CC-BY-3.0", "CC-BY-4.0",
    "CC-BY-NC-SA-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC0-1.0", "CECILL-2.1", "EPL-1.0",
    "EPL-2.0", "EUPL-1.1", "EUPL-1.2", "GPL-1.0-only", "GPL-1.0-or-later", "GPL-2.0-only",
    "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later", "HPND", "ISC", "LGPL-2.0-only",
    "LGPL-2.0-or-later", "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only",
    "LGPL-3.0-or-later", "MIT", "MIT-0", "MPL-1.1", "MPL-2.0", "MS-PL", "NCSA", "OFL-1.1",
    "PostgreSQL", "PSF-2.0", "Python-2.0", "Unicode-DFS-2016", "Unlicense", "UPL-1.0",
    "WTFPL", "X11", "Zlib", "ZPL-2.1",
)  # fmt: skip
_DEPRECATED_SPDX_IDS = {
    "GPL-2.0": "GPL-2.0-only",
    "GPL-2.0+": "GPL-2.0-or-later",
    "GPL-3.0": "GPL-3.0-only",
    "GPL-3.0+": "GPL-3.0-or-later",
    "LGPL-2.0": "LGPL-2.0-only",
    "LGPL-2.1": "LGPL-2.1-only",
    "LGPL-2.1+": "LGPL-2.1-or-later",
    "LGPL-3.0": "LGPL-3.0-only",
    "LGPL-3.0+": "LGPL-3.0-or-later",
    "AGPL-3.0": "AGPL-3.0-only",
}
_CANONICAL_IDS = {name.lower(): name for name in _SPDX_IDS} | {
    old.lower(): new for old, new in _DEPRECATED_SPDX_IDS.items()
}
_OPERATORS = {"and": "AND", "or": "OR", "with": "WITH"}
_TOKEN = re.compile(r"\(|\)|[^\s()]+")

# Free-text names (lower case, spaces collapsed, no trailing dot) and what they mean. A
# name that only says the family ("BSD", "Apache", "GPL") keeps a short family name.
_ALIASES = {
    **dict.fromkeys(
        ["mit license", "mit licence", "the mit license", "mit-license", "expat", "expat license"],
        "MIT",
    ),
    **dict.fromkeys(["bsd", "bsd license", "bsd licence"], "BSD"),
    **dict.fromkeys(
        [
            "new bsd", "new bsd license", "modified bsd", "modified bsd license", "revised bsd",
            "bsd 3-clause", "bsd 3-clause license", "3-clause bsd", "bsd-3", "bsd3",
            "bsd 3 clause",
        ],
        "BSD-3-Clause",
    ),
    **dict.fromkeys(
        [
            "simplified bsd", "simplified bsd license", "freebsd", "freebsd license",
            "bsd 2-clause", "bsd 2-clause license", "2-clause bsd", "bsd-2",
        ],
        "BSD-2-Clause",
    ),
    **dict.fromkeys(["apache", "apache license", "apache software license"], "Apache"),
    **dict.fromkeys(
        [
            "apache 2", "apache 2.0", "apache-2", "apache2", "apache2.0", "apache license 2.0",
            "apache license, version 2.0", "apache license version 2.0", "apache 2.0 license",
            "apache software license 2.0", "apache license v2", "apache-2.0 license", "asl 2.0",
        ],
        "Apache-2.0",
    ),
    **dict.fromkeys(["gpl", "gnu gpl", "gnu general public license"], "GPL"),
    **dict.fromkeys(["gplv3+", "gpl3+", "gpl v3+", "gplv3 or later"], "GPL-3.0-or-later"),
    **dict.fromkeys(["gplv2+", "gpl2+", "gpl v2+", "gplv2 or later"], "GPL-2.0-or-later"),
    **dict.fromkeys(["lgpl", "gnu lgpl"], "LGPL"),
    **dict.fromkeys(["lgplv3+", "lgpl3+"], "LGPL-3.0-or-later"),
    "agpl": "AGPL",
    **dict.fromkeys(["mpl 2.0", "mpl v2.0", "mpl2", "mozilla public license 2.0"], "MPL-2.0"),
    "isc license": "ISC",
    "the unlicense": "Unlicense",
    "public domain": "Public Domain",
    **dict.fromkeys(
        ["psf", "psf license", "python software foundation license"], "PSF-2.0"
    ),
}  # fmt: skip

# What the `License ::` classifiers say (without "OSI Approved :: ").
# Reference: https://pypi.org/classifiers/
_CLASSIFIERS = {
    "MIT License": "MIT",
    "MIT No Attribution License (MIT-0)": "MIT-0",
    "BSD License": "BSD",  # 2- or 3-clause, or another: unsaid
    "Zero-Clause BSD (0BSD)": "0BSD",
    "Apache Software License": "Apache",  # no version
    "GNU General Public License (GPL)": "GPL",
    "GNU General Public License v2 (GPLv2)": "GPL-2.0-only",
    "GNU General Public License v2 or later (GPLv2+)": "GPL-2.0-or-later",
    "GNU General Public License v3 (GPLv3)": "GPL-3.0-only",
    "GNU General Public License v3 or later (GPLv3+)": "GPL-3.0-or-later",
    "GNU Library or Lesser General Public License (LGPL)": "LGPL",
    "GNU Lesser General Public License v2 (LGPLv2)": "LGPL-2.0-only",
    "GNU Lesser General Public License v2 or later (LGPLv2+)": "LGPL-2.0-or-later",
    "GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0-only",
    "GNU Lesser General Public License v3 or later (LGPLv3+)": "LGPL-3.0-or-later",
    "GNU Affero General Public License v3": "AGPL-3.0-only",
    "GNU Affero General Public License v3 or later (AGPLv3+)": "AGPL-3.0-or-later",
    "Mozilla Public License 1.1 (MPL 1.1)": "MPL-1.1",
    "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "ISC License (ISCL)": "ISC",
    "The Unlicense (Unlicense)": "Unlicense",
    "Academic Free License (AFL)": "AFL",
    "Python Software Foundation License": "PSF-2.0",
    "Zope Public License": "ZPL",
    "Eclipse Public License 2.0 (EPL-2.0)": "EPL-2.0",
    "Boost Software License 1.0 (BSL-1.0)": "BSL-1.0",
    "European Union Public Licence 1.2 (EUPL 1.2)": "EUPL-1.2",
    "CC0 1.0 Universal (CC0 1.0) Public Domain Dedication": "CC0-1.0",
    "Public Domain": "Public Domain",
}
# Classifiers that name no licence: the bare "OSI Approved", and "Other/Proprietary",
# which projects add next to a real licence (or a `license` field that names it).
_NO_LICENSE_CLASSIFIERS = frozenset({"OSI Approved", "Other/Proprietary License"})

# Values that mean "not said": setuptools' "UNKNOWN", GitHub's "NOASSERTION" and
# "Other", and pointers to a file instead of a name.
_NOT_A_NAME = frozenset({"", "unknown", "none", "n/a", "other", "noassertion", "proprietary"})
_FILE_POINTER = re.compile(r"^(see )?(the )?licen[cs]e( file)?(\.(txt|md|rst))?( file)?$")


def pypi_license(*, expression: str | None, classifiers: Iterable[str], text: str | None) -> str:
    """The licence a PyPI project declares, as one short value ("" when it says none).

    Precedence:
    1. PEP 639 `license_expression` (`expression`), as given (SPDX ids recased);
    2. the `License ::` classifiers, mapped to SPDX where they are unambiguous
       ("MIT License" → "MIT", "GPL v3 or later" → "GPL-3.0-or-later") and to a family
       name where not ("BSD License" → "BSD"); several are joined with " OR ";
    3. the free-text `license` field (`text`), read by `license_from_name`.

    The classifiers can be vaguer than the field: a bare family ("BSD"), or several
    licences. Then a field that is a valid SPDX id or expression naming one of them, or a
    member of that family, is more precise and wins: classifiers "BSD License" with
    `license` "BSD-3-Clause" give "BSD-3-Clause".

    >>> pypi_license(expression="", classifiers=["License :: OSI Approved :: BSD License"],
    ...              text="BSD-3-Clause")
    'BSD-3-Clause'
    """
    spdx = _spdx_expression(expression or "")
    if spdx:
        return spdx
    named = _short(expression or "")
    if named:
        return named
    from_classifiers = list(dict.fromkeys(filter(None, map(_from_classifier, classifiers))))
    from_field = license_from_name(text or "")
    if not from_classifiers:
        return from_field
    if _refines(from_field, from_classifiers):
        return from_field
    return " OR ".join(from_classifiers)


def license_from_name(name: str) -> str:
    """One free-text licence name as a short value; "" for a licence text or "not said".

    A valid SPDX id or expression is kept (recased: "bsd-3-clause" → "BSD-3-Clause"); a
    known alias becomes its SPDX id where unambiguous ("Apache 2.0" → "Apache-2.0",
    "MIT License" → "MIT") or its family ("BSD License" → "BSD"); a `License ::`
    classifier is read as one; "UNKNOWN", "Other", "LICENSE.txt" and the like are "".
    Any other short, one-line name is kept as written. A value with a line break or
    longer than MAX_NAME_CHARS is a pasted licence text, not a name: "".
    """
    text = _short(name)
    if not text:
        return ""
    if text.startswith("License ::"):
        return _from_classifier(text)
    spdx = _spdx_expression(text)
    if spdx:
        return spdx
    key = text.lower().rstrip(".")
    if key in _NOT_A_NAME or _FILE_POINTER.match(key):
        return ""
    return _ALIASES.get(key, text)


def package_license(*, pypi_license: str, repo_license: str) -> str:
    """The licence shown for a package: PyPI's stored value, else the code host's.

    PyPI comes first because it is what the author declares for the released package;
    a code host's licence is detected from a file (and GitHub answers "Other" for
    anything it does not recognise). The code host's value is read by
    `license_from_name`, so "bsd-3-clause" (GitLab) and "BSD-3-Clause" show alike.
    """
    return pypi_license or license_from_name(repo_license)


def _short(value: str) -> str:
    """`value` with white space collapsed, or "" when it is a text rather than a name."""
    stripped = value.strip()
    if "\n" in stripped or "\r" in stripped:
        return ""
    text = " ".join(stripped.split())
    return text if len(text) <= MAX_NAME_CHARS else ""


def _spdx_expression(value: str) -> str:
    """`value` in canonical spelling if it is an SPDX id or expression of known ids, else ""."""
    tokens = _TOKEN.findall(value)
    if not tokens:
        return ""
    out: list[str] = []
    expect_id = True
    after_with = False
    for token in tokens:
        if token in "()":
            out.append(token)
            continue
        if expect_id:
            if after_with:
                canonical = token  # an exception id (`WITH Classpath-exception-2.0`)
            elif token.lower().startswith("licenseref-"):
                canonical = token
            else:
                canonical = _CANONICAL_IDS.get(token.lower(), "")
                if not canonical:
                    return ""
            out.append(canonical)
            expect_id, after_with = False, False
        else:
            operator = _OPERATORS.get(token.lower())
            if operator is None:
                return ""
            out.append(operator)
            expect_id, after_with = True, operator == "WITH"
    if expect_id:
        return ""  # ends with an operator
    return " ".join(out).replace("( ", "(").replace(" )", ")")


def _from_classifier(classifier: str) -> str:
    """The licence a `License :: ...` classifier names; "" for other classifiers."""
    if not classifier.startswith("License ::"):
        return ""
    name = classifier.removeprefix("License ::").strip()
    name = name.removeprefix("OSI Approved ::").strip()
    if not name or name in _NO_LICENSE_CLASSIFIERS:
        return ""
    return _CLASSIFIERS.get(name, name)


def _refines(field: str, classifiers: list[str]) -> bool:
    """Whether the field's SPDX value says more precisely what the classifiers say."""
    ids = set(_TOKEN.findall(field)) - {"(", ")", *_OPERATORS.values()}
    if not field or not _spdx_expression(field):
        return False
    if len(classifiers) == 1 and classifiers[0] in _CANONICAL_IDS.values():
        return False  # the classifier is already exact
    return any(
        value == named or value.startswith(f"{named}-") for value in ids for named in classifiers
    )
