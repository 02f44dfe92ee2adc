"""The one licence function, on real PyPI documents and invented edge cases."""

import pytest

from packagegrid.lib.licenses import license_from_name, package_license, pypi_license

BSD = "License :: OSI Approved :: BSD License"
MIT = "License :: OSI Approved :: MIT License"
APACHE = "License :: OSI Approved :: Apache Software License"
GPL3 = "License :: OSI Approved :: GNU General Public License v3 (GPLv3)"
GPL3_PLUS = "License :: OSI Approved :: GNU General Public License v3 or later (GPLv3+)"
PROPRIETARY = "License :: Other/Proprietary License"

# (project, license_expression, license, licence classifiers, stored value): the fields
# as PyPI's JSON API served them on 2026-12-06 (pypi-demo.jsonl.gz and
# pypi-top400.jsonl.gz); pasted licence texts are cut after their first lines.
REAL = [
    # PEP 639 expression first.
    ("django-lark", "MIT", None, [MIT], "MIT"),
    ("djlint", "GPL-3.0-or-later", "", [], "GPL-3.0-or-later"),
    ("django-tinymce", "MIT AND GPL-2.0-or-later", "", [], "MIT AND GPL-2.0-or-later"),
    ("django-solo", "CC-BY-3.0", "", [], "CC-BY-3.0"),
    ("django-siteforms", "BSD-3-Clause", "", [BSD], "BSD-3-Clause"),
    (
        "django-otp",
        "Unlicense",
        "",
        ["License :: OSI Approved :: The Unlicense (Unlicense)"],
        "Unlicense",
    ),
    # Then the classifiers: SPDX where they say which licence, a family where not.
    ("django-filter", None, "", [BSD], "BSD"),
    ("django-weeny", None, "Apache Software License", [APACHE], "Apache"),
    ("django-tracking-fields", None, "GPLv3+", [GPL3_PLUS], "GPL-3.0-or-later"),
    ("django-kp-static-version", None, "GPLv3", [GPL3], "GPL-3.0-only"),
    (
        "django-revproxy",
        None,
        "MPL v2.0",
        ["License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)"],
        "MPL-2.0",
    ),
    (
        "django-viewflow",
        None,
        "AGPL",
        ["License :: OSI Approved :: GNU Affero General Public License v3 or later (AGPLv3+)"],
        "AGPL-3.0-or-later",
    ),
    (
        "openid2rp",
        None,
        "Academic Free License, version 3",
        ["License :: OSI Approved :: Academic Free License (AFL)"],
        "AFL",
    ),
    # The classifiers win over a field that names another licence...
    ("django-toosimple-q", None, "MIT", [BSD], "BSD"),
    ("django-elasticsearch-dsl", None, "Apache Software License 2.0", [BSD], "BSD"),
    # ...but a field that says more precisely what a family classifier says refines it.
    ("django-guardian", None, "BSD-2-Clause", [BSD], "BSD-2-Clause"),
    ("django-rest-swagger", None, "FreeBSD License", [BSD], "BSD-2-Clause"),
    (
        "django-auth-adfs",
        None,
        "BSD-1-Clause",
        ["License :: OSI Approved", BSD],
        "BSD-1-Clause",
    ),
    (
        "dj-email-url",
        None,
        "BSD-2-Clause AND CC-BY-4.0 AND CC0-1.0",
        [BSD],
        "BSD-2-Clause AND CC-BY-4.0 AND CC0-1.0",
    ),
    # Several classifiers: the field picks among them, else all of them.
    (
        "django-mongoengine-filter",
        None,
        "GPL-2.0-only OR LGPL-2.1-or-later",
        [
            "License :: OSI Approved :: GNU General Public License v2 (GPLv2)",
            "License :: OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)",
        ],
        "GPL-2.0-only OR LGPL-2.1-or-later",
    ),
    (
        "django-cache-memoize",
        None,
        "MPL-2.0",
        [MIT, "License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)"],
        "MPL-2.0",
    ),
    ("django-guid", None, "MIT", [BSD, MIT], "MIT"),
    ("django-clone", None, "MIT/Apache-2.0", [APACHE, MIT], "Apache OR MIT"),
    # "Other/Proprietary" beside a licence names none.
    ("drf-timeordered-pagination", None, "MIT", [PROPRIETARY], "MIT"),
    ("django-easy-audit", None, "GPL3", [GPL3, PROPRIETARY], "GPL-3.0-only"),
    (
        "django-simple_perms",
        None,
        "WTFPL",
        [PROPRIETARY, "License :: Public Domain"],
        "Public Domain",
    ),
    # Then the `license` field alone.
    ("arecibo", None, "BSD", [], "BSD"),
    ("django-eventtools", None, "BSD License", [], "BSD"),
    ("django-balancer", None, "License :: OSI Approved :: BSD License", [], "BSD"),
    (
        "django-fsm",
        None,
        "AGPL-3.0-or-later WITH viewflow-library-exception",
        [],
        "AGPL-3.0-or-later WITH viewflow-library-exception",
    ),
    ("django-live", None, "GPL2", [], "GPL2"),  # "only" or "or later": unsaid, kept as written
    (
        "django-bankdownloads",
        None,
        "Creative Commons Share Alike Non Commercial",
        [],
        "Creative Commons Share Alike Non Commercial",
    ),
    ("django-registration-paypal", None, "LICENSE.txt", [], ""),
    ("django-kronos", None, "UNKNOWN", [], ""),
    ("django-fernet-encrypted-fields", None, "", [], ""),
    ("django-bitfield", None, None, [], ""),
    # A pasted licence text is not a name: multi-line...
    (
        "django-privates",
        None,
        "Copyright (c) 2018 Sergei Maertens <info@regex-it.nl>\n        \n        Permission "
        "is hereby granted, free of charge, to any person obtaining a copy\n...",
        [],
        "",
    ),
    (
        "django-eveonline-sde",
        None,
        "GNU GENERAL PUBLIC LICENSE\n                               Version 3, 29 June 2007\n...",
        [GPL3],
        "GPL-3.0-only",
    ),
    # ...or one long line (1,081 characters in the original).
    (
        "django-sniplates",
        None,
        "The MIT License (MIT)  Copyright (c) 2014 Curtis Maloney  Permission is hereby "
        "granted, free of charge, to any person obtaining a copy of this software and asso...",
        [BSD],
        "BSD",
    ),
]


@pytest.mark.parametrize(
    ("expression", "text", "classifiers", "expected"),
    [row[1:] for row in REAL],
    ids=[row[0] for row in REAL],
)
def test_it_reads_what_real_projects_declare(
    expression: str | None, text: str | None, classifiers: list[str], expected: str
) -> None:
    others = ["Framework :: Django", "Programming Language :: Python :: 3"]
    assert (
        pypi_license(expression=expression, classifiers=[*others, *classifiers], text=text)
        == expected
    )


@pytest.mark.parametrize(
    ("expression", "classifiers", "text", "expected"),
    [
        ("  mit or apache-2.0 ", [], "", "MIT OR Apache-2.0"),  # recased
        ("(MIT OR Apache-2.0) AND BSD-3-Clause", [], "", "(MIT OR Apache-2.0) AND BSD-3-Clause"),
        ("LicenseRef-Proprietary", [MIT], "", "LicenseRef-Proprietary"),
        ("Future-License-9.0", [MIT], "", "Future-License-9.0"),  # PyPI checked it: kept
        ("", [MIT, MIT], "", "MIT"),
        ("", ["License :: OSI Approved :: Some Future License"], "", "Some Future License"),
        ("", ["License :: OSI Approved"], "Apache 2.0", "Apache-2.0"),
        ("", [APACHE], "Apache License, Version 2.0", "Apache-2.0"),
        ("", [APACHE], "BSD-3-Clause", "Apache"),  # another family: no refinement
        ("", [MIT], "MIT-0", "MIT"),  # an exact classifier is not refined
        ("", [], "MIT License\n\nCopyright (c) 2026 Someone", ""),
        ("", [], "x" * 81, ""),
    ],
)
def test_it_applies_the_precedence(
    expression: str, classifiers: list[str], text: str, expected: str
) -> None:
    assert pypi_license(expression=expression, classifiers=classifiers, text=text) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("mit", "MIT"),
        ("bsd-3-clause", "BSD-3-Clause"),  # GitLab's licence key
        ("GPL-3.0", "GPL-3.0-only"),  # deprecated SPDX ids
        ("GPL-2.0+", "GPL-2.0-or-later"),
        ("  The   MIT License. ", "MIT"),
        ("Apache 2.0", "Apache-2.0"),
        ("New BSD License", "BSD-3-Clause"),
        ("Simplified BSD", "BSD-2-Clause"),
        ("BSD", "BSD"),
        ("GPLv3+", "GPL-3.0-or-later"),
        ("GPLv3", "GPLv3"),  # "only" or "or later"? kept as written
        ("Python Software Foundation License", "PSF-2.0"),
        ("License :: OSI Approved :: ISC License (ISCL)", "ISC"),
        ("UNKNOWN", ""),
        ("NOASSERTION", ""),  # GitHub: no licence file recognised
        ("Other", ""),  # GitHub: a licence file it cannot name
        ("See LICENSE file", ""),
        ("LICENSE.md", ""),
        ("", ""),
        ("MIT OR", "MIT OR"),  # not an expression: a name as written
        ("y" * 80, "y" * 80),
        ("y" * 81, ""),
        ("Licensed under MIT\nsee the file", ""),
    ],
)
def test_it_reads_one_name(name: str, expected: str) -> None:
    assert license_from_name(name) == expected


@pytest.mark.parametrize(
    ("stored", "host", "expected"),
    [
        ("MIT", "GPL-3.0", "MIT"),  # what PyPI says first
        ("", "bsd-3-clause", "BSD-3-Clause"),
        ("", "NOASSERTION", ""),
        ("", "", ""),
    ],
)
def test_it_shows_pypi_then_the_code_host(stored: str, host: str, expected: str) -> None:
    assert package_license(pypi_license=stored, repo_license=host) == expected
