#pragma once
// Helpers the history views share: text conversions, numbers for people, metric names and run
// labels. Internal to the history library.

#include <QString>
#include <QStringList>

#include <cmath>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "dais/sim/time.h"
#include "dais/store/run_store.h"

namespace dais::studio::history {

inline QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

/// Up to six significant digits; "–" for a value that is not a number.
inline QString formatNumber(double v) {
    if (!std::isfinite(v)) return QStringLiteral("\u2013");
    return QString::number(v, 'g', 6);
}

inline double toSeconds(sim::SimTime t) {
    return static_cast<double>(t) / 1e9;
}

/// A JSON value as a person reads it: strings without quotes, everything else as JSON.
inline QString jsonText(const nlohmann::json& v) {
    if (v.is_string()) return qs(v.get_ref<const std::string&>());
    return qs(v.dump());
}

/// The group a metric is listed under: its prefix up to the first dot ("federated."), or
/// "other" for a name without one.
inline QString metricGroup(const QString& name) {
    const qsizetype dot = name.indexOf(QLatin1Char('.'));
    return dot > 0 ? name.left(dot + 1) : QStringLiteral("other");
}

/// "#12 One link as a queue seed 3".
inline QString runLabel(const store::RunRecord& r) {
    return QStringLiteral("#%1 %2 seed %3")
        .arg(r.id)
        .arg(qs(r.scenarioName))
        .arg(static_cast<qulonglong>(r.seed));
}

/// The last segment of a dotted path: "layers.federated.aggregator" -> "aggregator".
inline QString lastSegment(const QString& path) {
    const qsizetype dot = path.lastIndexOf(QLatin1Char('.'));
    return dot >= 0 ? path.mid(dot + 1) : path;
}

/// Whether a larger value of a metric is better (+1), worse (-1) or neither is clear (0), from
/// its name.
inline int metricDirection(const QString& name) {
    const QString n = name.toLower();
    for (const char* good : {"accuracy", "delivered", "coverage", "throughput", "auc", "f1"})
        if (n.contains(QLatin1String(good))) return 1;
    for (const char* bad : {"loss", "latency", "lost", "error", "dropped", "delay", "epsilon"})
        if (n.contains(QLatin1String(bad))) return -1;
    return 0;
}

}  // namespace dais::studio::history
