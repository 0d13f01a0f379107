"""Two canvases (or two versions of one) compared block by block: added, removed, changed."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from bot.types import CANVAS_BLOCKS, Bullet, Canvas

# Two bullets at least this similar (difflib ratio on words) count as one bullet, changed.
CHANGED_AT = 0.5


@dataclass(frozen=True)
class BlockDiff:
    """What changed in one block from the left canvas to the right one."""

    key: str
    same: tuple[Bullet, ...]
    added: tuple[Bullet, ...]
    removed: tuple[Bullet, ...]
    changed: tuple[tuple[Bullet, Bullet], ...]

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass(frozen=True)
class CanvasDiff:
    """Per-block differences between two canvases, in canvas block order."""

    blocks: tuple[BlockDiff, ...]

    def block(self, key: str) -> BlockDiff:
        return next(b for b in self.blocks if b.key == key)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "added": sum(len(b.added) for b in self.blocks),
            "removed": sum(len(b.removed) for b in self.blocks),
            "changed": sum(len(b.changed) for b in self.blocks),
        }


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, _norm(a).split(), _norm(b).split()).ratio()


def _diff_block(key: str, left: tuple[Bullet, ...], right: tuple[Bullet, ...]) -> BlockDiff:
    right_left = list(right)
    same: list[Bullet] = []
    unmatched: list[Bullet] = []
    for bullet in left:
        twin = next((r for r in right_left if _norm(r.text) == _norm(bullet.text)), None)
        if twin is None:
            unmatched.append(bullet)
        else:
            right_left.remove(twin)
            same.append(twin)
    # Pair the remaining bullets by similarity, best pairs first.
    pairs = sorted(((_similarity(a.text, b.text), i, j)
                    for i, a in enumerate(unmatched) for j, b in enumerate(right_left)),
                   reverse=True)
    used_l: set[int] = set()
    used_r: set[int] = set()
    changed: list[tuple[int, Bullet, Bullet]] = []
    for score, i, j in pairs:
        if score < CHANGED_AT:
            break
        if i in used_l or j in used_r:
            continue
        used_l.add(i)
        used_r.add(j)
        changed.append((i, unmatched[i], right_left[j]))
    return BlockDiff(
        key=key,
        same=tuple(same),
        added=tuple(b for j, b in enumerate(right_left) if j not in used_r),
        removed=tuple(b for i, b in enumerate(unmatched) if i not in used_l),
        changed=tuple((a, b) for _, a, b in sorted(changed, key=lambda x: x[0])),
    )


def compare_canvases(left: Canvas, right: Canvas) -> CanvasDiff:
    """What the right canvas added, removed or changed relative to the left one, per block."""
    return CanvasDiff(tuple(
        _diff_block(key, left.block(key).bullets, right.block(key).bullets)
        for key in CANVAS_BLOCKS
    ))
