"""A scaling group's demand, one value per hour: written in the file, or read from a metrics file.

Metrics files are what users already have: the JSON printed by `aws cloudwatch
get-metric-statistics` (`Datapoints`) or `aws cloudwatch get-metric-data` (`MetricDataResults`),
or a CSV of `timestamp,value` lines. Points are bucketed by UTC hour and each hour takes the
largest point in it (capacity must carry the busiest point the metric shows); hours between the
first and the last point that have no point count as 0 and are reported. A file that cannot be
read this way is an input error at the line and column of the mistake where there is one.

No message quotes the file's text, not even a number or a date read from it (unless a caller
asks with `quote=True`): archplan runs on untrusted changes in CI, and an architecture file may
name any file on the machine. The message says where the mistake is and what was expected.
All the demand files of one run share one DemandBudget (bytes read, hours of profile).
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any, NamedTuple

from archplan import limits
from archplan.errors import InputError
from archplan.findings import Path
from archplan.limits import DemandBudget
from archplan.source import TooLarge, read_source

# get-metric-statistics datapoints may carry several statistics; the first present is used.
# Maximum first: a capacity plan sizes each hour for its peak.
STATISTICS = ("Maximum", "Average", "Sum", "Minimum", "SampleCount")
# Two points ten years apart would otherwise plan 87,600 empty hours; more is a mistake.
MAX_HOURS = 100_000
_HOUR = 3600
# No metric needs 100 digits; far larger ones would make numbers too long to write.
_TOO_LARGE = Decimal("1e100")
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
# Python's dates run from year 1 to year 9999: the epoch seconds of their first and last second.
_FIRST_SECOND = -62_135_596_800  # 0001-01-01T00:00:00Z
_LAST_SECOND = 253_402_300_799  # 9999-12-31T23:59:59Z
# Epoch seconds of today are about 1.7e9; a number from 1e11 up to the last date's milliseconds
# is most likely epoch milliseconds.
_MILLISECONDS_LIKELY = 10**11


class Profile(NamedTuple):
    """Demand per hour, in time order, and where it came from."""

    values: tuple[Decimal, ...]
    origin: str  # "hourly" (demand.hourly) or "file" (demand.file)
    file: str | None = None  # the path as written in the architecture file
    format: str | None = None  # "get-metric-statistics", "get-metric-data" or "csv"
    statistic: str | None = None  # the get-metric-statistics statistic used
    start: datetime.datetime | None = None  # UTC start of the first hour (files only)
    points: int = 0  # data points read from the file
    empty_hours: int = 0  # hours without a data point, counted as 0

    def hour_start(self, hour: int) -> datetime.datetime | None:
        if self.start is None:
            return None
        return self.start + datetime.timedelta(hours=hour)


class DemandFileError(InputError):
    """A metrics file that cannot be read as demand; `path` is the file to report it under."""

    def __init__(
        self, path: str, message: str, line: int | None = None, column: int | None = None
    ) -> None:
        super().__init__(message, line, column)
        self.path = path


class DemandFileUnreadable(DemandFileError):
    """The metrics file cannot be read at all (missing, not a regular file, too large): a mistake of
    the `file:` value, reported there."""


def from_hourly(values: Sequence[Decimal]) -> Profile:
    return Profile(tuple(values), "hourly")


def demand_path(base_dir: str, written: str) -> str:
    """Where `demand.file: written` is, for an architecture file in `base_dir`
    (source.folder_of); `scale-plan` and `validate` (AP513) both read it from here."""
    return os.path.join(base_dir, written)


def load_demand_file(
    path: str,
    written: str,
    max_bytes: int,
    *,
    quote: bool = False,
    budget: DemandBudget | None = None,
) -> Profile:
    """Read the metrics file at `path` (written as `written` in the architecture file).

    DemandFileUnreadable when it cannot be read, DemandFileError (at its line and column) when
    its text is not a metrics file; its message quotes the text at fault only when `quote`.
    limits.BudgetExceeded (no position: the caller knows where the file is named) when the
    run's demand files together cross `budget` (a fresh one when none is given).
    """
    budget = budget if budget is not None else DemandBudget()
    if "\x00" in path:
        raise DemandFileUnreadable(path, "the path holds a NUL character; no file is named so")
    known = os.path.realpath(path)  # `m.csv` and `./m.csv` are one file, read once
    if known in budget.read:
        profile: Profile = budget.read[known]
        return profile._replace(file=written)
    limit = limits.read_limit(max_bytes)
    within = min(limit, budget.bytes.remaining)
    try:
        source = read_source(path, within, quote=quote, allow_stdin=False)
    except TooLarge:
        if within < limit:
            raise budget.bytes.exceeded() from None
        raise DemandFileUnreadable(path, TooLarge(limit).message) from None
    except InputError as error:
        if error.line is not None:  # its text is at fault (not UTF-8): say where in it
            raise DemandFileError(path, error.message, error.line, error.column) from None
        raise DemandFileUnreadable(path, error.message) from None
    budget.bytes.charge(len(source.text))
    profile = parse_metrics(source.text, path, written, quote=quote)
    budget.hours.charge(len(profile.values))
    budget.read[known] = profile
    return profile


def parse_metrics(
    text: str, path: str, written: str | None = None, *, quote: bool = True
) -> Profile:
    """The profile in a metrics file's text: CloudWatch JSON when it starts with `{`, else CSV.
    Error messages quote the text at fault only when `quote`."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        points, file_format, statistic = _json_points(text, path, quote)
    else:
        points, file_format, statistic = _csv_points(text, path, quote), "csv", None
    if not points:
        raise DemandFileError(path, "no data points: the file has no timestamp with a value")
    values, start, empty = _bucket(points, path)
    return Profile(
        values=values,
        origin="file",
        file=written if written is not None else path,
        format=file_format,
        statistic=statistic,
        start=start,
        points=len(points),
        empty_hours=empty,
    )


# -- hourly buckets -------------------------------------------------------------------------


def _bucket(
    points: list[tuple[int, Decimal]], path: str
) -> tuple[tuple[Decimal, ...], datetime.datetime, int]:
    peaks: dict[int, Decimal] = {}
    for seconds, value in points:
        hour = seconds // _HOUR
        known = peaks.get(hour)
        if known is None or value > known:
            peaks[hour] = value
    first, last = min(peaks), max(peaks)
    span = last - first + 1
    if span > MAX_HOURS:
        raise DemandFileError(
            path,
            f"the data points span {span:,} hours; archplan plans at most {MAX_HOURS:,} "
            "(about 11 years): check the timestamps",
        )
    zero = Decimal(0)
    values = tuple(peaks.get(hour, zero) for hour in range(first, last + 1))
    start = _EPOCH + datetime.timedelta(hours=first)
    return values, start, span - len(peaks)


class _OutOfRange(ValueError):
    """A timestamp outside the years 1 to 9999; the caller says where. `str()` quotes the
    timestamp, `plain` does not."""

    def __init__(self, quoted: str, plain: str) -> None:
        super().__init__(quoted)
        self.plain = plain

    def message(self, quote: bool) -> str:
        return str(self) if quote else self.plain


def _epoch_seconds(moment: datetime.datetime) -> int:
    # Exact integer arithmetic: `moment.timestamp()` overflows near year 1 or 9999 with an offset.
    naive = moment.replace(tzinfo=None) - datetime.datetime(1970, 1, 1)
    offset = moment.utcoffset() or datetime.timedelta(0)  # no zone: CloudWatch writes UTC
    seconds = (naive - offset) // datetime.timedelta(seconds=1)
    if _FIRST_SECOND <= seconds <= _LAST_SECOND:
        return seconds
    # Formatted only here: once per point it was a tenth of reading a CSV file.
    raise _OutOfRange(
        f"timestamp {moment.isoformat()} is outside the years 1 to 9999",
        "the timestamp is outside the years 1 to 9999",
    )


def _number_seconds(number: Decimal) -> int:
    """Epoch seconds of a finite number, floored; checked before the integer is made, so 1e30
    or a 5,000-digit number is an error rather than a huge integer."""
    if number < _FIRST_SECOND or number >= _LAST_SECOND + 1:
        shown = str(number) if len(str(number)) <= 40 else f"{number:.6e}"
        milliseconds = _MILLISECONDS_LIKELY < number <= (_LAST_SECOND + 1) * 1000
        hint = " (epoch milliseconds? divide by 1000)" if milliseconds else ""
        raise _OutOfRange(
            f"timestamp {shown} is outside the years 1 to 9999 as epoch seconds{hint}",
            f"the timestamp is outside the years 1 to 9999 as epoch seconds{hint}",
        )
    return int(number.to_integral_value(rounding=ROUND_FLOOR))


def _timestamp(value: object) -> int | None:
    """Seconds since the epoch of an ISO 8601 string or a number of epoch seconds, else None;
    _OutOfRange when it is one outside the years 1 to 9999."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        number = Decimal(value)
        return _number_seconds(number) if number.is_finite() else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        pass
    else:
        return _epoch_seconds(moment)
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return _number_seconds(number) if number.is_finite() else None


def _demand_value(value: object) -> Decimal | None:
    """A finite number from 0 below 1e100, exactly; None for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    number = Decimal(value)
    if not number.is_finite() or number < 0 or number >= _TOO_LARGE:
        return None
    return number


def _not_a_value(raw: object, quote: bool) -> str:
    number = _decimal(raw) if isinstance(raw, str) else raw
    if isinstance(number, int | Decimal) and not isinstance(number, bool):
        number = Decimal(number)
        if number.is_finite() and number >= _TOO_LARGE:
            shown = f"{number:.6e} is " if quote else ""
            return f"not a demand value: {shown}too large to be a real demand (below 1e100)"
    return f"not a demand value{_quoted(raw, quote)} (a number, 0 or more)"


def _quoted(value: object, quote: bool) -> str:
    """`: VALUE` to follow what a value is not, or nothing when the text must not be quoted."""
    return f": {_shown(value)}" if quote else ""


# -- CloudWatch JSON ------------------------------------------------------------------------


class _NotFinite(str):
    """NaN or Infinity in the JSON text: kept so the check can say where it is."""


def _json_points(
    text: str, path: str, quote: bool
) -> tuple[list[tuple[int, Decimal]], str, str | None]:
    try:
        # parse_int=Decimal too: an integer of more than 4,300 digits is an error for int().
        document = json.loads(
            text, parse_float=Decimal, parse_int=Decimal, parse_constant=_NotFinite
        )
    except json.JSONDecodeError as error:
        raise DemandFileError(
            path, f"not valid JSON: {error.msg}", error.lineno, error.colno
        ) from None
    except RecursionError:
        raise DemandFileError(path, "not valid JSON: nested too deeply") from None
    reader = _JsonReader(text, path, quote)
    if isinstance(document, dict) and "Datapoints" in document:
        return reader.statistics(document), "get-metric-statistics", reader.statistic
    if isinstance(document, dict) and "MetricDataResults" in document:
        return reader.metric_data(document), "get-metric-data", None
    raise reader.error(
        (),
        "not a CloudWatch metrics file: expected the JSON of `aws cloudwatch "
        'get-metric-statistics` (with "Datapoints") or `get-metric-data` (with '
        '"MetricDataResults"), or a CSV of timestamp,value lines',
    )


class _JsonReader:
    """Checks CloudWatch JSON; errors are located by reading the text again with positions."""

    def __init__(self, text: str, path: str, quote: bool) -> None:
        self.text = text
        self.path = path
        self.quote = quote
        self.statistic: str | None = None

    def error(self, at: Path, message: str) -> DemandFileError:
        line, column = _json_position(self.text, at)
        return DemandFileError(self.path, message, line, column)

    def statistics(self, document: dict[str, Any]) -> list[tuple[int, Decimal]]:
        datapoints = document["Datapoints"]
        if not isinstance(datapoints, list):
            raise self.error(("Datapoints",), '"Datapoints" must be a list of data points')
        points: list[tuple[int, Decimal]] = []
        for index, point in enumerate(datapoints):
            at: Path = ("Datapoints", index)
            if not isinstance(point, dict):
                raise self.error(
                    at, "a data point must be an object with Timestamp and a statistic"
                )
            if self.statistic is None:
                self.statistic = self._choose_statistic(point, at)
            seconds = self._timestamp(point, at)
            value = self._statistic_value(point, at)
            points.append((seconds, value))
        return points

    def _choose_statistic(self, point: dict[str, Any], at: Path) -> str:
        for name in STATISTICS:
            if name in point:
                return name
        extended = point.get("ExtendedStatistics")
        if isinstance(extended, dict) and len(extended) == 1:
            return f"ExtendedStatistics.{next(iter(extended))}"
        raise self.error(
            at,
            "the data point has no statistic: expected one of " + ", ".join(STATISTICS) + " or a "
            "single ExtendedStatistics percentile",
        )

    def _timestamp(self, point: dict[str, Any], at: Path) -> int:
        if "Timestamp" not in point:
            raise self.error(at, 'the data point has no "Timestamp"')
        try:
            seconds = _timestamp(point["Timestamp"])
        except _OutOfRange as error:
            raise self.error((*at, "Timestamp"), error.message(self.quote)) from None
        if seconds is None:
            raise self.error(
                (*at, "Timestamp"),
                f"not a timestamp{_quoted(point['Timestamp'], self.quote)} (expected ISO 8601, "
                "as 2024-05-01T13:00:00Z)",
            )
        return seconds

    def _statistic_value(self, point: dict[str, Any], at: Path) -> Decimal:
        name = self.statistic or ""
        if name.startswith("ExtendedStatistics."):
            percentile = name.split(".", 1)[1]
            extended = point.get("ExtendedStatistics")
            if not isinstance(extended, dict) or percentile not in extended:
                named = f'"{percentile}"' if self.quote else "percentile"
                raise self.error(
                    at,
                    f"the data point has no ExtendedStatistics {named} (the statistic of the "
                    "first data point)",
                )
            raw, value_at = extended[percentile], (*at, "ExtendedStatistics", percentile)
        else:
            if name not in point:
                raise self.error(
                    at, f'the data point has no "{name}" (the statistic of the first data point)'
                )
            raw, value_at = point[name], (*at, name)
        value = _demand_value(raw)
        if value is None:
            raise self.error(value_at, _not_a_value(raw, self.quote))
        return value

    def metric_data(self, document: dict[str, Any]) -> list[tuple[int, Decimal]]:
        results = document["MetricDataResults"]
        if not isinstance(results, list) or not results:
            raise self.error(
                ("MetricDataResults",), '"MetricDataResults" must be a list with one result'
            )
        if len(results) > 1:
            ids = ", ".join(
                _shown(result.get("Id")) if isinstance(result, dict) else "?" for result in results
            )
            listed = f" ({ids})" if self.quote else ""
            raise self.error(
                ("MetricDataResults",),
                f"{len(results)} results{listed}: keep only the demand's query (set "
                '"ReturnData": false on the others)',
            )
        result = results[0]
        at: Path = ("MetricDataResults", 0)
        if not isinstance(result, dict):
            raise self.error(at, "a result must be an object with Timestamps and Values")
        timestamps, values = result.get("Timestamps"), result.get("Values")
        for name, items in (("Timestamps", timestamps), ("Values", values)):
            if not isinstance(items, list):
                raise self.error((*at, name) if name in result else at, f'"{name}" must be a list')
        assert isinstance(timestamps, list) and isinstance(values, list)
        if len(timestamps) != len(values):
            raise self.error(
                (*at, "Values"),
                f"{len(values)} values for {len(timestamps)} timestamps: they must pair up",
            )
        points: list[tuple[int, Decimal]] = []
        for index, (raw_time, raw_value) in enumerate(zip(timestamps, values, strict=True)):
            try:
                seconds = _timestamp(raw_time)
            except _OutOfRange as error:
                raise self.error((*at, "Timestamps", index), error.message(self.quote)) from None
            if seconds is None:
                raise self.error(
                    (*at, "Timestamps", index),
                    f"not a timestamp{_quoted(raw_time, self.quote)} (expected ISO 8601, as "
                    "2024-05-01T13:00:00Z)",
                )
            value = _demand_value(raw_value)
            if value is None:
                raise self.error((*at, "Values", index), _not_a_value(raw_value, self.quote))
            points.append((seconds, value))
        return points


def _shown(value: object) -> str:
    if isinstance(value, _NotFinite):
        return str(value)
    # A JSON number is read as a Decimal: written as the number, not as a quoted string.
    text = (
        str(value)
        if isinstance(value, Decimal)
        else json.dumps(value, default=str, ensure_ascii=False)
    )
    return text if len(text) <= 40 else text[:37] + "..."


def _json_position(text: str, at: Path) -> tuple[int | None, int | None]:
    """Line and column of the value at `at`, read with archplan's located YAML loader (JSON is
    YAML); only on the error path, so valid files are parsed once, by the fast json module."""
    from archplan.loader import load

    try:
        document = load(text)
    except InputError:
        return None, None
    span = document.span_at(at)
    return span.line, span.column


# -- CSV ------------------------------------------------------------------------------------


def _csv_points(text: str, path: str, quote: bool) -> list[tuple[int, Decimal]]:
    points: list[tuple[int, Decimal]] = []
    header_allowed = True
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = _fields(line)
        if len(fields) != 2:
            raise DemandFileError(
                path,
                f"expected 2 fields, timestamp,value; found {len(fields)}",
                number,
                fields[min(2, len(fields) - 1)][0] if len(fields) > 2 else 1,
            )
        (time_column, time_text), (value_column, value_text) = fields
        try:
            seconds = _timestamp(time_text) if time_text else None
        except _OutOfRange as error:
            raise DemandFileError(path, error.message(quote), number, time_column) from None
        if header_allowed and seconds is None and not _is_number(value_text):
            header_allowed = False  # a header line such as "timestamp,value"
            continue
        header_allowed = False
        if seconds is None:
            raise DemandFileError(
                path,
                f"not a timestamp{_quoted(time_text, quote)} (expected ISO 8601, as "
                "2024-05-01T13:00:00Z, or epoch seconds)",
                number,
                time_column,
            )
        value = _demand_value(_decimal(value_text))
        if value is None:
            raise DemandFileError(path, _not_a_value(value_text, quote), number, value_column)
        points.append((seconds, value))
    return points


def _fields(line: str) -> list[tuple[int, str]]:
    """The comma-separated fields of a line with their 1-based columns, blanks and quotes off."""
    fields: list[tuple[int, str]] = []
    start = 0
    for part in line.split(","):
        stripped = part.strip()
        column = start + (len(part) - len(part.lstrip())) + 1
        if len(stripped) >= 2 and stripped[0] == stripped[-1] == '"':
            stripped = stripped[1:-1].strip()
        fields.append((column, stripped))
        start += len(part) + 1
    return fields


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _is_number(text: str) -> bool:
    return _decimal(text) is not None
