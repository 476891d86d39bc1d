#include "ui/canvas_legend.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QVBoxLayout>

#include "ui/canvas_items.h"

namespace dais::studio {

namespace {

/// A ring of the colour, as nodes wear it.
QPixmap ringSwatch(const QColor& colour, qreal dpr) {
    const int size = 14;
    QPixmap pm(static_cast<int>(size * dpr), static_cast<int>(size * dpr));
    pm.setDevicePixelRatio(dpr);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(colour, 3));
    p.setBrush(Qt::NoBrush);
    p.drawEllipse(QRectF(2, 2, size - 4, size - 4));
    return pm;
}

/// A mark as nodes wear it (NodeMarkItem): a red dashed ring.
QPixmap markSwatch(qreal dpr) {
    const int size = 16;
    QPixmap pm(static_cast<int>(size * dpr), static_cast<int>(size * dpr));
    pm.setDevicePixelRatio(dpr);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    QPen dashes(NodeMarkItem::colour(), 2, Qt::CustomDashLine, Qt::FlatCap);
    dashes.setDashPattern({2, 1.3});
    p.setPen(dashes);
    p.setBrush(Qt::NoBrush);
    p.drawEllipse(QRectF(2, 2, size - 4, size - 4));
    return pm;
}

/// The colour scale from its low end (left) to its high end.
QPixmap scaleBar(int width, qreal dpr) {
    const int height = 10;
    QImage img(static_cast<int>(width * dpr), static_cast<int>(height * dpr), QImage::Format_RGB32);
    for (int x = 0; x < img.width(); ++x) {
        const QRgb c = scaleColour(img.width() > 1 ? x / double(img.width() - 1) : 0).rgb();
        for (int y = 0; y < img.height(); ++y)
            img.setPixel(x, y, c);
    }
    QPixmap pm = QPixmap::fromImage(img);
    pm.setDevicePixelRatio(dpr);
    return pm;
}

QString valueText(double v) {
    return QString::number(v, 'g', 4);
}

}  // namespace

CanvasLegend::CanvasLegend(QWidget* parent) : QFrame(parent) {
    setObjectName("canvasLegend");
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    auto* form = new QFormLayout(this);
    form->setContentsMargins(8, 6, 8, 6);
    form->setVerticalSpacing(4);
    ring_ = new QComboBox(this);
    ring_->setObjectName("ringChoice");
    ring_->setToolTip(tr("What the ring around each node shows"));
    fill_ = new QComboBox(this);
    fill_->setObjectName("fillChoice");
    fill_->setToolTip(tr("What colours each node: its role, or a metric each node has"));
    fill_->addItem(tr("Role"));
    entries_ = new QWidget(this);
    entriesLayout_ = new QVBoxLayout(entries_);
    entriesLayout_->setContentsMargins(0, 0, 0, 0);
    entriesLayout_->setSpacing(1);
    scale_ = new QLabel(this);
    scaleEnds_ = new QLabel(this);
    scaleEnds_->setObjectName("scaleEnds");
    form->addRow(tr("Rings"), ring_);
    form->addRow(QString(), entries_);
    form->addRow(tr("Fill"), fill_);
    form->addRow(QString(), scale_);
    form->addRow(QString(), scaleEnds_);
    marks_ = new QWidget(this);
    marks_->setObjectName("legendMarks");
    auto* marksRow = new QHBoxLayout(marks_);
    marksRow->setContentsMargins(0, 0, 0, 0);
    marksRow->setSpacing(6);
    auto* swatch = new QLabel(marks_);
    swatch->setPixmap(markSwatch(devicePixelRatioF()));
    marksText_ = new QLabel(marks_);
    marksRow->addWidget(swatch);
    marksRow->addWidget(marksText_, 1);
    form->addRow(tr("Marks"), marks_);
    form->setRowVisible(marks_, false);
    connect(ring_, &QComboBox::activated, this,
            [this](int index) { emit ringChosen(ring_->itemData(index).toInt()); });
    connect(fill_, &QComboBox::activated, this, [this](int index) {
        const QVariant v = fill_->itemData(index);
        emit fillChosen(v.isValid() ? std::optional<std::uint32_t>(v.toUInt()) : std::nullopt);
    });
}

void CanvasLegend::describe(const NodeLook& look) {
    const int layers = static_cast<int>(look.stateLayers().size());
    if (layers != ringLayers_) {
        ring_->clear();
        ring_->addItem(tr("Activity (all layers)"), NodeLook::kActivityRing);
        for (int k = 0; k < layers; ++k)
            ring_->addItem(tr("%1 states").arg(look.stateLayers()[k].name), k);
        ringLayers_ = layers;
    }
    ring_->setCurrentIndex(ring_->findData(look.ring()));
    showEntries(look.ringEntries());
    showScale(look);
    place();
}

void CanvasLegend::showEntries(const std::vector<LookEntry>& entries) {
    const bool same = entries.size() == shown_.size() &&
                      std::equal(entries.begin(), entries.end(), shown_.begin(),
                                 [](const LookEntry& a, const LookEntry& b) {
                                     return a.name == b.name && a.colour == b.colour;
                                 });
    if (same) return;
    shown_ = entries;
    while (QLayoutItem* item = entriesLayout_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (const LookEntry& e : entries) {
        auto* row = new QWidget(entries_);
        auto* h = new QHBoxLayout(row);
        h->setContentsMargins(0, 0, 0, 0);
        h->setSpacing(6);
        auto* swatch = new QLabel(row);
        swatch->setPixmap(ringSwatch(e.colour, devicePixelRatioF()));
        auto* name = new QLabel(e.name, row);
        h->addWidget(swatch);
        h->addWidget(name, 1);
        row->setToolTip(e.help);
        entriesLayout_->addWidget(row);
        // A widget added to a legend already on screen stays hidden until shown, and a hidden
        // row takes no room when the legend is sized.
        row->show();
    }
}

void CanvasLegend::setCatalog(const std::shared_ptr<const core::MetricCatalog>& catalog) {
    if (catalog == catalog_) return;
    catalog_ = catalog;
    const QVariant chosen = fill_->currentData();
    fill_->clear();
    fill_->addItem(tr("Role"));
    if (catalog_)
        for (std::size_t i = 0; i < catalog_->metrics.size(); ++i) {
            const sim::MetricInfo& m = catalog_->metrics[i];
            if (m.scope != sim::MetricScope::Node) continue;
            fill_->addItem(QString::fromStdString(m.name), static_cast<unsigned>(i));
            fill_->setItemData(fill_->count() - 1, QString::fromStdString(m.help), Qt::ToolTipRole);
        }
    const int again = chosen.isValid() ? fill_->findData(chosen) : 0;
    fill_->setCurrentIndex(std::max(0, again));
    fill_->setEnabled(fill_->count() > 1);
    if (fill_->count() == 1) fill_->setToolTip(tr("This run has no metric per node"));
    place();
}

void CanvasLegend::showScale(const NodeLook& look) {
    const bool on = look.fillMetric().has_value();
    scale_->setVisible(on);
    scaleEnds_->setVisible(on);
    if (!on) return;
    // Drawn once for its width: the legend is described again at every change of the run.
    const int width = std::max(120, fill_->sizeHint().width());
    if (scale_->pixmap().deviceIndependentSize().width() != width ||
        scale_->pixmap().devicePixelRatio() != devicePixelRatioF())
        scale_->setPixmap(scaleBar(width, devicePixelRatioF()));
    QString unit;
    if (catalog_ && *look.fillMetric() < catalog_->metrics.size())
        unit = QString::fromStdString(catalog_->metrics[*look.fillMetric()].unit);
    if (unit == "1") unit.clear();
    scaleEnds_->setText(
        look.hasValues()
            ? tr("%1 … %2 %3").arg(valueText(look.low()), valueText(look.high()), unit).trimmed()
            : tr("no values yet"));
}

void CanvasLegend::setMarks(const QString& meaning) {
    auto* form = static_cast<QFormLayout*>(layout());
    marksText_->setText(meaning);
    form->setRowVisible(marks_, !meaning.isEmpty());
    place();
}

QString CanvasLegend::marks() const {
    return marks_->isVisibleTo(this) ? marksText_->text() : QString();
}

void CanvasLegend::place() {
    // The rows just added count only once the layouts have taken them in.
    entriesLayout_->activate();
    if (layout() != nullptr) layout()->activate();
    adjustSize();
    move(kMargin, kMargin);
    raise();
}

}  // namespace dais::studio
