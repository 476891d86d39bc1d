#include "history/view_helpers.h"

#include "history/history_util.h"

namespace dais::studio::history {

QLabel* makeBanner(QWidget* parent) {
    auto* banner = new QLabel(parent);
    banner->setWordWrap(true);
    banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    banner->setStyleSheet(
        QStringLiteral("QLabel { background: #f8d7da; color: #58151c; border: 1px solid #f1aeb5;"
                       " border-radius: 3px; padding: 6px; }"));
    banner->hide();
    return banner;
}

void setBanner(QLabel* banner, const QString& text) {
    banner->setText(text);
    banner->setVisible(!text.isEmpty());
}

std::vector<QPointF> samplePoints(const std::vector<store::Sample>& samples) {
    std::vector<QPointF> points;
    points.reserve(samples.size());
    for (const store::Sample& s : samples)
        points.emplace_back(toSeconds(s.time), s.value);
    return points;
}

QString preferredMetric(const QStringList& metrics) {
    for (const char* hint : {"accuracy", "latency", "delivered"})
        for (const QString& m : metrics)
            if (m.contains(QLatin1String(hint))) return m;
    return metrics.value(0);
}

}  // namespace dais::studio::history
