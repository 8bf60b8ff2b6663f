"""The one redirect guard: pages and the upload form send "next" only to this site."""

from __future__ import annotations

import pytest

from api.security.redirects import same_site_path


@pytest.mark.parametrize("target", [
    "/record/documents", "/signin?next=%2Fpro", "/patients/3#documents",
])
def test_a_path_on_this_site_is_kept(target: str) -> None:
    assert same_site_path(target) == target


@pytest.mark.parametrize("target", [
    None, "", "https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x",
    "/\t/evil.example", "/ok\n", "evil.example", 42,
])
def test_anything_else_goes_to_the_default(target: object) -> None:
    assert same_site_path(target) == "/"
    assert same_site_path(target, "") == ""

