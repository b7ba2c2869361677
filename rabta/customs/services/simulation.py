"""A stream of goods declarations moving through clearance, for demonstrations and the live
dashboard: generated, or replayed from the Korea Customs synthetic rows.

Every declaration goes through the real services as the system would make them (``actor=None``):
``declaration_file`` (which gives the default lane through ``lane_assign``), ``lane_assign`` again
for a lane of the simulated mix, then the lane's check (``declaration_check_documents`` or
``declaration_examine``), ``declaration_assess``, ``declaration_record_payment`` and
``declaration_release``. Each stage waits a random, realistic delay (hours, as the WCO Time Release
Study finds them), compressed by ``speed`` so that a demonstration moves in minutes; ``rate=0`` files
and clears as fast as the database goes, with no waiting at all (tests). The same ``seed`` and the
same database give the same declarations, lanes, findings and order of moves.
"""

from __future__ import annotations

import csv
import heapq
import itertools
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from rabta.core.errors import DomainError
from rabta.customs.choices import DiscrepancyType, Outcome, PartyKind, TransportMode
from rabta.customs.models import Declaration
from rabta.customs.services import clearance
from rabta.customs.services.declarations import DeclarationInput, ItemInput, declaration_file, lane_assign
from rabta.customs.services.parties import PartyRef
from rabta.directory.choices import OfficeLevel
from rabta.directory.models import Office

RATE_MAX = 6000  # declarations a minute: beyond it the stream is a load test, which bench/ is for
SPEED_MAX = 1_000_000
NUMBER_PREFIX = "SIM"
# The lane mix: WeBOC's 2023 import shares (about 57 % green), the rest split as FBR's older figures.
LANE_MIX = (("green", 0.57), ("yellow", 0.25), ("red", 0.15), ("blue", 0.03))
# Hit rate of an examination: about one in five (KCS, where every row was inspected: 21.6 %).
HIT_RATE = {"red": 0.22, "blue": 0.12}
MID_WAY_SHARE = 0.6  # the demo's declarations left waiting at some stage, so the backlog has something
YELLOW_TO_EXAMINATION = 0.08  # a documentary check that finds a problem sends the goods to examination
CRITICAL_SHARE = 0.2
# Stage delays in hours (low, most likely, high): triangular, as release-time studies report them.
DELAYS = {
    "arrival": (2.0, 18.0, 96.0),  # goods arrived before the declaration was filed
    "lane": (0.0, 0.05, 0.5),
    "documents": (0.5, 3.0, 24.0),
    "examination": (2.0, 10.0, 72.0),
    "assessment": (0.2, 1.0, 8.0),
    "payment": (0.5, 6.0, 48.0),
    "release": (0.2, 1.5, 12.0),
}
GOODS = (  # (tariff code, description, unit, unit value USD, value per kg, duty rate %)
    ("85287200", "LED television sets", "NMB", 180, 12, 20),
    ("84713010", "Laptop computers", "NMB", 420, 150, 0),
    ("52010000", "Raw cotton, not carded", "KGM", 2, 2, 0),
    ("72085100", "Hot-rolled steel plates", "KGM", 1, 1, 16),
    ("39011000", "Polyethylene, in primary forms", "KGM", 1, 1, 11),
    ("87032323", "Motor cars, 1500-3000 cc", "NMB", 9000, 7, 50),
    ("30049099", "Medicaments, packaged for retail sale", "KGM", 40, 40, 11),
    ("15119000", "Palm oil, refined", "KGM", 1, 1, 0),
    ("61091000", "T-shirts of cotton, knitted", "NMB", 3, 15, 20),
    ("85414300", "Photovoltaic solar panels", "NMB", 110, 6, 0),
)
COUNTRIES = ("CN", "AE", "SG", "DE", "JP", "US", "MY", "TR", "IN", "TH")
SALES_TAX = Decimal("0.18")
EXCHANGE_RATE = Decimal("278.5")  # PKR per USD
KCS_REQUIRED = ("HS6 Code", "Country of Departure", "Country of Origin", "Net Mass", "Item Price", "Tax Rate")
KCS_WON_PER_USD = Decimal(1300)


class SimulationInputError(ValueError):
    """Bad options or an unreadable replay file: raised before anything is written, naming the option."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}")
        self.option = option


@dataclass(frozen=True)
class Good:
    tariff_code: str
    description: str
    unit: str
    quantity: Decimal
    net_mass_kg: Decimal
    value: Decimal  # USD
    duty_rate: Decimal  # percent
    origin: str
    departure: str
    fraud: int | None = None  # replayed: 0, 1 (fraud) or 2 (critical); None for generated goods


@dataclass
class Result:
    filed: int = 0
    released: int = 0
    examined: int = 0
    detections: int = 0
    in_flight: int = 0
    skipped: int = 0
    lanes: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "filed": self.filed,
            "released": self.released,
            "examined": self.examined,
            "detections": self.detections,
            "in_flight": self.in_flight,
            "skipped": self.skipped,
            "lanes": dict(sorted(self.lanes.items())),
        }


def _money(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _three(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def collectorates_for(codes: list[str]) -> list[Office]:
    """The active collectorates named (all of them when none are), or SimulationInputError."""
    active = Office.objects.filter(level=OfficeLevel.COLLECTORATE, is_active=True)
    if not codes:
        found = list(active.order_by("code"))
        if not found:
            raise SimulationInputError("--collectorate", "there is no active collectorate (run `rabta loaddemo`)")
        return found
    by_code = {office.code: office for office in active.filter(code__in=codes)}
    unknown = [code for code in codes if code not in by_code]
    if unknown:
        raise SimulationInputError("--collectorate", f"no active collectorate {', '.join(unknown)}")
    return [by_code[code] for code in dict.fromkeys(codes)]


def kcs_goods(path: Path) -> list[Good]:
    """The replayable rows of a KCS file, read whole before anything is written: a file that cannot
    be read, is not UTF-8 or lacks a column is a SimulationInputError; rows that do not fit a
    declaration (no mass, the country ``ZZ``) are left out, as the import rejects them."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [column for column in KCS_REQUIRED if column not in (reader.fieldnames or [])]
            if missing:
                raise SimulationInputError("--replay-kcs", f"{path}: not a KCS file (no column {missing[0]!r})")
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SimulationInputError("--replay-kcs", f"cannot read {path}: {exc}") from None
    goods = []
    for row in rows:
        try:
            mass = _three(Decimal(row["Net Mass"]))
            value = _money(Decimal(row["Item Price"]) / KCS_WON_PER_USD)
            rate = Decimal(row["Tax Rate"] or 0)
            code = (row["HS6 Code"] or "").strip()
        except (ArithmeticError, ValueError, TypeError):
            continue
        origin, departure = (row["Country of Origin"] or "").upper(), (row["Country of Departure"] or "").upper()
        if mass <= 0 or value < 0 or len(code) != 6 or not code.isdigit() or "ZZ" in (origin, departure):
            continue
        fraud = 2 if row.get("Critical Fraud") == "1" else 1 if row.get("Fraud") == "1" else 0
        goods.append(
            Good(
                code,
                f"HS {code} (KCS synthetic record, replayed)",
                "KGM",
                mass,
                mass,
                value,
                rate,
                origin,
                departure,
                fraud,
            )
        )
    if not goods:
        raise SimulationInputError("--replay-kcs", f"{path}: no row fits a declaration")
    return goods


class Simulation:
    """One run: files declarations at ``rate`` a minute and moves each through its stages."""

    def __init__(
        self,
        *,
        collectorates: list[Office],
        seed: int,
        rate: float,
        speed: float,
        replay: list[Good] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        on_move: Callable[[str, Declaration], None] | None = None,
    ) -> None:
        if rate < 0 or rate > RATE_MAX:
            raise SimulationInputError("--rate", f"give 0 to {RATE_MAX} declarations a minute")
        if speed <= 0 or speed > SPEED_MAX:
            raise SimulationInputError("--speed", f"give a compression above 0, at most {SPEED_MAX}")
        self.collectorates = collectorates
        self.rng = random.Random(seed)
        self.seed = seed
        self.rate = rate
        self.speed = speed
        self.replay = replay
        # At rate 0 nothing waits, and time stands still for the plan: moves are made in the order
        # they were planned, the same on every run with the same seed, however fast the database is.
        self.clock, self.sleep = (clock, sleep) if rate else ((lambda: 0.0), sleep)
        self.on_move = on_move or (lambda stage, declaration: None)
        self.result = Result()
        self._queue: list[tuple[float, int, str, int]] = []
        self._goods_of: dict[int, list[Good]] = {}
        self._stop_before: dict[int, str] = {}
        self.leave_mid_way = False
        self._order = itertools.count()
        self._serial = self._first_serial()
        self._replayed = itertools.cycle(replay) if replay else None
        self._importers = [f"{self.rng.randrange(1_000_000, 9_999_999)}-{self.rng.randrange(10)}" for _ in range(40)]
        self._agents = [f"SIM-CHA-{n:03d}" for n in range(1, 13)]

    def _first_serial(self) -> int:
        # Numbers go on from the last run with this seed, so a second run files new declarations.
        prefix = f"{NUMBER_PREFIX}-{self.seed}-"
        return Declaration.objects.filter(number__startswith=prefix).count() + 1

    # Timing ---------------------------------------------------------------------------------------

    def _delay(self, stage: str) -> float:
        """Real seconds before ``stage``: its simulated hours compressed by ``speed``; none at rate 0."""
        low, mode, high = DELAYS[stage]
        hours = self.rng.triangular(low, high, mode)
        return 0.0 if self.rate == 0 else hours * 3600 / self.speed

    def _gap(self) -> float:
        """Real seconds to the next filing: a Poisson stream of ``rate`` a minute."""
        return 0.0 if self.rate == 0 else self.rng.expovariate(self.rate / 60)

    def _wait_until(self, due: float) -> None:
        pause = due - self.clock()
        if pause > 0:
            self.sleep(pause)

    # Declarations ---------------------------------------------------------------------------------

    def _goods(self) -> list[Good]:
        if self._replayed is not None:
            return [next(self._replayed)]
        chosen = []
        for _ in range(self.rng.choice((1, 1, 1, 2, 2, 3))):
            code, description, unit, unit_value, per_kg, duty = self.rng.choice(GOODS)
            quantity = Decimal(self.rng.randint(1, 400) * (25 if unit == "KGM" else 1))
            value = _money(quantity * Decimal(unit_value) * Decimal(str(self.rng.uniform(0.7, 1.3))))
            mass = _three(max(Decimal("0.5"), value / Decimal(per_kg)))
            origin = self.rng.choice(COUNTRIES)
            departure = origin if self.rng.random() < 0.7 else self.rng.choice(COUNTRIES)
            chosen.append(Good(code, description, unit, quantity, mass, value, Decimal(duty), origin, departure))
        return chosen

    def file_one(self) -> Declaration | None:
        goods = self._goods()
        number = f"{NUMBER_PREFIX}-{self.seed}-{self._serial:06d}"
        self._serial += 1
        collectorate = self.rng.choice(self.collectorates)
        items = []
        for index, good in enumerate(goods, start=1):
            duty = _money(good.value * good.duty_rate / 100)
            items.append(
                ItemInput(
                    item_number=index,
                    tariff_code=good.tariff_code,
                    description=good.description,
                    origin_country=good.origin,
                    departure_country=good.departure,
                    quantity=good.quantity,
                    unit=good.unit,
                    net_mass_kg=good.net_mass_kg,
                    customs_value=good.value,
                    duty_assessed=duty,
                    taxes_assessed=_money((good.value + duty) * SALES_TAX),
                )
            )
        now = timezone.now()
        low, mode, high = DELAYS["arrival"]
        arrival_hours = self.rng.triangular(low, high, mode)
        data = DeclarationInput(
            number=number,
            declared_on=timezone.localdate(now),
            arrived_at=now - timedelta(hours=arrival_hours),
            collectorate=collectorate.code,
            importer=PartyRef(kind=PartyKind.TRADER, identifier=self.rng.choice(self._importers), name=""),
            declarant=PartyRef(kind=PartyKind.CLEARING_AGENT, identifier=self.rng.choice(self._agents)),
            items=items,
            declaration_type="HC",
            transport_mode=self.rng.choice((TransportMode.SEA,) * 6 + (TransportMode.AIR,) * 2 + (TransportMode.ROAD,)),
            currency="USD",
            exchange_rate=EXCHANGE_RATE,
        )
        try:
            declaration = declaration_file(data=data, actor=None).declaration
        except DomainError:
            if self.replay is None:
                raise  # a generated declaration is always valid: anything else is a bug to see
            self.result.skipped += 1  # a replayed row the filing refuses (an unknown country, say)
            return None
        self.result.filed += 1
        self._goods_of[declaration.pk] = goods
        if self.leave_mid_way and self.rng.random() < MID_WAY_SHARE:
            self._stop_before[declaration.pk] = self.rng.choice(
                ("lane", "documents", "examination", "payment", "release")
            )
        self.on_move("filed", declaration)
        self._plan(declaration.pk, "lane")
        return declaration

    def _plan(self, declaration_id: int, stage: str) -> None:
        if self._stop_before.get(declaration_id) == stage:
            return  # left mid-way (the demo's backlog)
        heapq.heappush(self._queue, (self.clock() + self._delay(stage), next(self._order), stage, declaration_id))

    def _lane(self, goods: list[Good]) -> str:
        lanes = [lane for lane, _share in LANE_MIX if lane in settings.RABTA_CUSTOMS_LANES]
        weights = [share for lane, share in LANE_MIX if lane in settings.RABTA_CUSTOMS_LANES]
        if goods and goods[0].fraud:  # a replayed fraud was caught: it was selected for examination
            return "red" if "red" in lanes else lanes[0]
        return self.rng.choices(lanes, weights)[0] if lanes else settings.RABTA_CUSTOMS_DEFAULT_LANE

    def _examine(self, declaration: Declaration, goods: list[Good]) -> None:
        fraud = goods[0].fraud if goods and goods[0].fraud is not None else None
        if fraud is None:
            hit = self.rng.random() < HIT_RATE.get(declaration.lane, 0.15)
            fraud = (2 if self.rng.random() < CRITICAL_SHARE else 1) if hit else 0
        if fraud:
            kinds = [kind for kind in DiscrepancyType.values if kind != DiscrepancyType.UNSPECIFIED]
            duty = sum((good.value * good.duty_rate / 100 for good in goods), Decimal(0))
            extra = _money(max(Decimal(1), duty) * Decimal(str(self.rng.uniform(0.1, 1.5))))
            clearance.declaration_examine(
                declaration=declaration,
                actor=None,
                outcome=Outcome.CRITICAL if fraud == 2 else Outcome.DISCREPANCY,
                discrepancy_type=self.rng.choice(kinds),
                extra_duty=extra,
                remarks="Simulated finding.",
            )
            self.result.detections += 1
        else:
            clearance.declaration_examine(declaration=declaration, actor=None, outcome=Outcome.NO_DISCREPANCY)
        self.result.examined += 1

    def step(self, stage: str, declaration_id: int) -> None:
        """Make one declaration's next move and plan the one after it."""
        declaration = Declaration.objects.select_related("collectorate").get(pk=declaration_id)
        goods = self._goods_of.get(declaration_id, [])
        check = settings.RABTA_CUSTOMS_LANES.get(declaration.lane, "none")
        following = ""
        if stage == "lane":
            lane = self._lane(goods)
            if lane != declaration.lane:
                lane_assign(declaration=declaration, lane=lane, reason="Simulated selection.")
            self.result.lanes[lane] = self.result.lanes.get(lane, 0) + 1
            check = settings.RABTA_CUSTOMS_LANES.get(lane, "none")
            following = {"documents": "documents", "examination": "examination"}.get(check, "assessment")
        elif stage == "documents":
            clearance.declaration_check_documents(declaration=declaration, actor=None)
            found = goods and goods[0].fraud
            following = "examination" if found or self.rng.random() < YELLOW_TO_EXAMINATION else "assessment"
        elif stage == "examination":
            self._examine(declaration, goods)
            following = "assessment"
        elif stage == "assessment":
            clearance.declaration_assess(declaration=declaration, actor=None)
            following = "payment"
        elif stage == "payment":
            clearance.declaration_record_payment(
                declaration=declaration, actor=None, amount=declaration.assessed_amount or Decimal(0)
            )
            following = "release"
        elif stage == "release":
            clearance.declaration_release(declaration=declaration, actor=None)
            self.result.released += 1
            self._goods_of.pop(declaration_id, None)
        self.on_move(stage, declaration)
        if following:
            self._plan(declaration_id, following)

    def run(self, *, count: int | None = None, duration: float | None = None) -> Result:
        """File ``count`` declarations (and see each released), or file for ``duration`` real seconds
        (and stop there, leaving the later stages mid-way, as a working day does), or run until
        interrupted. Returns what happened."""
        if self.rate == 0 and count is None:
            raise SimulationInputError("--rate", "--rate 0 files without waiting, so it needs --count")
        start = self.clock()
        deadline = start + duration if duration is not None else None
        next_filing = start
        filings_left = count
        try:
            while True:
                filing_due = filings_left is None or filings_left > 0
                if deadline is not None and filing_due and next_filing > deadline:
                    filing_due = False
                if not filing_due and not self._queue:
                    break
                if deadline is not None and not filing_due and self._queue and self._queue[0][0] > deadline:
                    break
                if filing_due and (not self._queue or next_filing <= self._queue[0][0]):
                    self._wait_until(next_filing)
                    self.file_one()
                    if filings_left is not None:
                        filings_left -= 1
                    next_filing = max(next_filing, self.clock()) + self._gap()
                    continue
                due, _order, stage, declaration_id = heapq.heappop(self._queue)
                self._wait_until(due)
                self.step(stage, declaration_id)
        except KeyboardInterrupt:
            pass
        self.result.in_flight = len({item[3] for item in self._queue} | set(self._stop_before))
        return self.result


def simulated_numbers(seed: int) -> Iterator[str]:
    """The numbers a run with ``seed`` files, in order (what a test or a reader looks for)."""
    for serial in itertools.count(1):
        yield f"{NUMBER_PREFIX}-{seed}-{serial:06d}"
