#pragma once
// Pieces the views of stored runs share: the banner that says what could not be read, and a
// metric's samples as chart points. Internal to the history library.

#include <QLabel>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <vector>

#include "dais/store/run_store.h"

namespace dais::studio::history {

/// A hidden banner for problems, to put above a view.
QLabel* makeBanner(QWidget* parent);
/// Shows `text` in the banner; empty hides it.
void setBanner(QLabel* banner, const QString& text);
/// Samples of one metric as chart points (seconds, value).
std::vector<QPointF> samplePoints(const std::vector<store::Sample>& samples);
/// A metric to show first: an accuracy, else a latency, else the first.
QString preferredMetric(const QStringList& metrics);

}  // namespace dais::studio::history
