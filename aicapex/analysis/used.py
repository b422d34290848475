"""The records an analysis of many entities used, per entity, listed only when asked for."""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["RecordsUsed"]


@dataclass(frozen=True, eq=False)
class RecordsUsed:
    """The records a runway used, per entity: each entity's cash balance and the records of its
    counted flows; the flows' records are coded only when first asked for (a large runway is
    often read for its figures alone)."""

    entities: pd.Index
    balances: np.ndarray  # the balance record of each entity
    entity: np.ndarray  # position in ``entities`` of each counted flow
    record: pd.Series  # each counted flow's record

    @functools.cached_property
    def _coded(self) -> tuple[np.ndarray, pd.Index]:
        """Each counted flow's position in the sorted distinct ids, and those ids."""
        record = self.record
        if (
            isinstance(record.dtype, pd.CategoricalDtype)
            and record.cat.categories.is_monotonic_increasing
        ):
            return record.cat.codes.to_numpy(), record.cat.categories
        code, ids = pd.factorize(record, sort=True)
        return np.asarray(code), pd.Index(ids)

    def _listed(self, codes: np.ndarray, balances: np.ndarray) -> pd.Index:
        """The ids of ``codes`` (sorted, as the ids are) merged with the ``balances``' ids."""
        ids = self._coded[1]
        present = np.zeros(len(ids) + 1, dtype=bool)
        present[codes] = True  # code -1 (missing) marks the extra last slot
        used = ids[present[:-1]].to_numpy(object)
        extra = np.unique(balances.astype(object))
        if len(used):
            at = np.searchsorted(used, extra)
            known = (at < len(used)) & (used[np.minimum(at, len(used) - 1)] == extra)
            merged = np.insert(used, at[~known], extra[~known])
        else:
            merged = extra
        index: pd.Index = pd.Index(merged, dtype=object, name="record")
        return index

    def of(self, entity: str) -> pd.Index:
        """The records of ``entity``, sorted."""
        position = int(self.entities.get_indexer(pd.Index([entity]))[0])
        mine = self.entity == position
        if mine.sum() < len(self.entity) // 4:  # a few flows: code only them
            ids = pd.unique(self.record[mine].dropna().to_numpy(object))
            return self._merge(np.asarray(ids, dtype=object), self.balances[[position]])
        return self._listed(self._coded[0][mine], self.balances[[position]])

    @staticmethod
    def _merge(used: np.ndarray, balances: np.ndarray) -> pd.Index:
        extra = np.unique(balances.astype(object))
        merged = np.unique(np.concatenate([used.astype(object), extra]))
        index: pd.Index = pd.Index(merged, dtype=object, name="record")
        return index

    def by_entity(self) -> dict[str, list[str]]:
        """Every entity's records, sorted, in one pass (rather than :meth:`of` each): the
        distinct (entity, id) pairs of the flows with an id and of the balances, in order."""
        record = self.record.to_numpy(object)
        known = pd.notna(record)
        ids = np.concatenate([record[known], np.asarray(self.balances, dtype=object)])
        owner = np.concatenate([self.entity[known], np.arange(len(self.entities))])
        code, order = pd.factorize(ids, sort=True)  # a balance without an id: -1, last
        width = len(order) + 1
        pairs = np.unique(owner.astype(np.int64) * width + np.where(code < 0, len(order), code))
        listed = [*order.tolist(), None]
        names = np.asarray(listed, dtype=object)[pairs % width].tolist()
        codes = pairs // width
        # each entity's run of the sorted pairs (a slice, not a Series per group)
        cuts = [0, *(np.flatnonzero(codes[1:] != codes[:-1]) + 1).tolist(), len(names)]
        lists = {int(codes[a]): names[a:b] for a, b in itertools.pairwise(cuts) if b > a}
        return {str(name): lists.get(i, []) for i, name in enumerate(self.entities)}

    def all(self) -> pd.Index:
        """Every record used, sorted."""
        return self._listed(self._coded[0], self.balances)
