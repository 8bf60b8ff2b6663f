"""The request's DataLoaders: one per class, made on first use, typed by their class."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from api.graphql.context import Context, Loaders
from api.settings import Settings


class DoublingLoader(DataLoader[int, int]):
    def __init__(self, owner: str = "") -> None:
        super().__init__(load_fn=self._load)
        self.owner = owner

    async def _load(self, keys: Sequence[int]) -> list[int]:
        return [2 * key for key in keys]


async def test_a_request_makes_each_loader_once_and_loads_through_it() -> None:
    loaders = Context(settings=Settings(), viewer=None).loaders
    first = loaders.get(DoublingLoader)
    assert loaders.get(DoublingLoader) is first
    assert await first.load(21) == 42


def test_each_request_starts_with_no_loaders() -> None:
    made = Context(settings=Settings(), viewer=None).loaders.get(DoublingLoader)
    other = Context(settings=Settings(), viewer=None).loaders
    assert other.existing(DoublingLoader) is None
    assert other.get(DoublingLoader) is not made


def test_a_loader_that_does_not_fit_is_made_again() -> None:
    loaders = Loaders()
    alice = loaders.get(DoublingLoader, lambda: DoublingLoader("alice"))
    same = loaders.get(DoublingLoader, lambda: DoublingLoader("alice"),
                       fits=lambda loader: loader.owner == "alice")
    bob = loaders.get(DoublingLoader, lambda: DoublingLoader("bob"),
                      fits=lambda loader: loader.owner == "bob")
    assert same is alice and bob.owner == "bob" and loaders.existing(DoublingLoader) is bob
