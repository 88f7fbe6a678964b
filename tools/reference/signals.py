"""Every family's signals with their default thresholds (from ``components.signal_tables``), and the
Atlas-native alerts."""

from __future__ import annotations

from pydantic import BaseModel

from components.signal_tables import ATLAS_ALERTS, ATLAS_THRESHOLDS, SIGNAL_TABLES, thresholds_model
from components.signals import Signal
from data.catalogue.atlas import OPERATORS as ATLAS_OPERATORS
from data.catalogue.cloudwatch import COMPARISON_OPERATORS, COMPARISON_SYMBOLS
from data.model import Threshold
from tools.reference.markdown import number, table
from tools.reference.stack_file import model_paths


def _measured(signal: Signal) -> str:
    if signal.metric is not None:
        metric = signal.metric
        by = f" by {', '.join(metric.dimensions)}" if metric.dimensions else ""
        return f"[`{metric.namespace} {metric.name}`]({metric.source}) {signal.statistic}{by}"
    if signal.math is not None:
        inputs = ", ".join(
            f"`{item.id}` = [`{item.metric.namespace} {item.metric.name}`]({item.metric.source}) {item.statistic}"
            for item in signal.math.inputs
        )
        return f"`{signal.math.expression}` where {inputs}"
    query = signal.insights.query({name: f"<{name}>" for name in signal.insights.where})
    return f"Metrics Insights `{query}` ([{signal.insights.metric.name}]({signal.insights.metric.source}))"


def _evaluation(signal: Signal) -> str:
    periods = signal.evaluation_periods
    datapoints = signal.datapoints_to_alarm or periods
    if datapoints != periods:
        return f"{datapoints} of {periods} periods of {signal.period} s"
    return f"{periods} period{'s' if periods > 1 else ''} of {signal.period} s"


def _level(signal: Signal, threshold: Threshold | None, value: float | None) -> str:
    if threshold is None or value is None:
        return "none"
    symbol = COMPARISON_SYMBOLS[COMPARISON_OPERATORS[(threshold.direction, signal.inclusive)]]
    unit = signal.unit if signal.unit == "%" else f" {signal.unit}" if signal.unit else ""
    return f"{symbol} {number(value)}{unit}"


def _threshold_default(model: type[BaseModel], key: str) -> Threshold | None:
    """The default of a thresholds field, read from the model (some models, like ``Mail``, have
    required fields and cannot be built empty)."""
    if key not in model.model_fields:
        raise ValueError(f"{model.__name__} has no field {key!r}")
    return model.model_fields[key].default


def signals_table() -> str:
    parts = []
    for signal_table in SIGNAL_TABLES:
        model = thresholds_model(signal_table)
        places = model_paths(model) if model is not None else []
        if model is not None and not places:
            raise ValueError(f"{model.__name__} (thresholds of {signal_table.family}) is no key of the stack file")
        rows = []
        for signal in signal_table:
            if signal.fixed is not None:
                threshold, key = signal.fixed, "fixed (the metric's own scale)"
            elif model is None:
                raise ValueError(f"{signal_table.family} {signal.name}: no thresholds model and no fixed threshold")
            else:
                threshold = _threshold_default(model, signal.threshold_key)
                key = ", ".join(f"`{place}.{signal.threshold_key}`" for place in places)
            rows.append((
                f"[`{signal.name}`](#{signal.name})", signal.what, _measured(signal), _evaluation(signal),
                f"`{signal.treat_missing_data}`", key,
                _level(signal, threshold, threshold.warning if threshold else None),
                _level(signal, threshold, threshold.critical if threshold else None),
            ))
        parts.append(f"**`{signal_table.family}`** (one alarm per level and {signal_table.owner}: "
                     f"`<{signal_table.owner}>-<signal>-<severity>`)\n\n" + table(
            ("Signal", "What", "Measured", "Alarm after", "Missing data", "Stack-file key", "Warning", "Critical"), rows))
    parts.append(atlas_alerts_table())
    return "\n\n".join(parts)


def atlas_alerts_table() -> str:
    """The Atlas-native alert configurations (not CloudWatch): one per declared level and alert."""
    rows = []
    places = model_paths(ATLAS_THRESHOLDS)
    for alert in ATLAS_ALERTS:
        threshold = _threshold_default(ATLAS_THRESHOLDS, alert.threshold_key)
        matchers = ", ".join(f"{field} = {value}" for field, value in alert.matchers) or "the cluster"
        rows.append((
            f"[`{alert.name}`](#{alert.name})", alert.what, f"[`{alert.metric.name}`]({alert.source}) ({alert.metric.units})",
            matchers, ", ".join(f"`{place}.{alert.threshold_key}`" for place in places),
            _atlas_level(threshold, threshold.warning), _atlas_level(threshold, threshold.critical),
        ))
    return ("**`atlas`** (Atlas alert configurations, one per level: `<cluster>-<alert>-<severity>`)\n\n"
            + table(("Alert", "What", "Atlas metric", "Hosts", "Stack-file key", "Warning", "Critical"), rows))


def _atlas_level(threshold: Threshold, value: float | None) -> str:
    return "none" if value is None else f"`{ATLAS_OPERATORS[threshold.direction]}` {number(value)}"
