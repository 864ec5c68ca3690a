"""Risk levels, ordered, and the score thresholds that map a score to one."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, model_validator


class Level(StrEnum):
    """How bad a case looks; the order of members is the order of severity."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for info up to 4 for critical."""
        return list(Level).index(self)

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank >= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank > other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank <= other.rank

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank < other.rank


class LevelThresholds(BaseModel):
    """Lowest score of each level above info (config ``scoring.levels``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    low: float = 20
    medium: float = 40
    high: float = 70
    critical: float = 100

    @model_validator(mode="after")
    def _ascending(self) -> LevelThresholds:
        if not 0 < self.low < self.medium < self.high < self.critical:
            raise ValueError("scoring.levels must ascend: 0 < low < medium < high < critical")
        return self

    def level_of(self, score: float) -> Level:
        """The level a score falls in."""
        for level, floor in (
            (Level.CRITICAL, self.critical),
            (Level.HIGH, self.high),
            (Level.MEDIUM, self.medium),
            (Level.LOW, self.low),
        ):
            if score >= floor:
                return level
        return Level.INFO
