#include "run/sequence_chart.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QScrollBar>
#include <QToolTip>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "dais/sim/memory_need.h"
#include "run/message_log.h"

namespace dais::studio {

namespace {

constexpr int kHeader = 26;      // node names along the top
constexpr int kAxis = 74;        // the time axis along the left
constexpr int kMinColumn = 110;  // narrowest column per life line
constexpr double kMinSpp = 1e-9, kMaxSpp = 1e6;

/// A stable colour per kind of message.
QColor portColour(const QString& name) {
    return QColor::fromHsv(static_cast<int>(qHash(name) % 360), 170, 170);
}

QString secondsText(double s) {
    return QString::number(s, 'f', s != 0 && std::abs(s) < 0.01 ? 6 : 3) + " s";
}

/// A "nice" tick step near `raw` seconds: 1, 2 or 5 times a power of ten.
double tickStep(double raw) {
    const double p = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * p >= raw) return m * p;
    return 10 * p;
}

}  // namespace

// --- SequenceChartArea ------------------------------------------------------------------------

SequenceChartArea::SequenceChartArea(const MessageLog* log, QWidget* parent)
    : QAbstractScrollArea(parent), log_(log) {
    setObjectName("sequenceChartArea");
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    verticalScrollBar()->setSingleStep(20);
    viewport()->setMouseTracking(true);
    viewport()->setBackgroundRole(QPalette::Base);
}

void SequenceChartArea::setNodes(std::vector<std::uint32_t> nodes) {
    nodes_ = std::move(nodes);
    const std::size_t n = log_->structure() ? log_->structure()->nodes.size() : 0;
    columnOf_.assign(n, -1);
    for (std::size_t c = 0; c < nodes_.size(); ++c)
        if (nodes_[c] < n) columnOf_[nodes_[c]] = static_cast<int>(c);
    rows_.clear();
    last_ = 0;
    zoomChosen_ = false;
    appended(0);
}

void SequenceChartArea::appended(std::size_t first) {
    const MessageLog::Records records = log_->records();
    const std::size_t before = rows_.size();
    for (std::size_t i = first; i < records.size(); ++i) {
        const sim::MessageEnd& m = records[i];
        if (m.from == m.to || m.from >= columnOf_.size() || m.to >= columnOf_.size()) continue;
        if (columnOf_[m.from] < 0 || columnOf_[m.to] < 0) continue;
        rows_.push_back(static_cast<std::uint32_t>(i));
        last_ = std::max(last_, m.endedAt);
    }
    if (!zoomChosen_ && !rows_.empty()) chooseZoom();
    updateScrollRange();
    if (rows_.size() != before) viewport()->update();
}

void SequenceChartArea::cleared() {
    ports_.clear();
    nodes_.clear();
    columnOf_.clear();
    rows_.clear();
    last_ = 0;
    top_ = 0;
    zoomChosen_ = false;
    updateScrollRange();
    viewport()->update();
}

void SequenceChartArea::chooseZoom() {
    // The median time in flight of the first messages spans about 40 pixels.
    const MessageLog::Records records = log_->records();
    std::vector<double> flights;
    for (std::size_t k = 0; k < rows_.size() && k < 200; ++k) {
        const sim::MessageEnd& m = records[rows_[k]];
        flights.push_back(sim::toSeconds(m.endedAt - m.sentAt));
    }
    std::nth_element(flights.begin(), flights.begin() + flights.size() / 2, flights.end());
    const double median = flights[flights.size() / 2];
    setSecondsPerPixel(median > 0 ? median / 40 : 1e-3);
    scrollToTime(sim::toSeconds(records[rows_.front()].sentAt));
    zoomChosen_ = true;
}

void SequenceChartArea::setSecondsPerPixel(double spp) {
    if (!(spp > 0)) return;
    spp_ = std::clamp(spp, kMinSpp, kMaxSpp);
    updateScrollRange();
    viewport()->update();
}

double SequenceChartArea::topTime() const {
    return top_;
}

void SequenceChartArea::scrollToTime(double t) {
    top_ = std::max(0.0, t);
    updateScrollRange();
    viewport()->update();
}

void SequenceChartArea::fitAll() {
    if (rows_.empty()) return;
    const MessageLog::Records records = log_->records();
    double first = sim::toSeconds(records[rows_.front()].sentAt);
    for (std::size_t k = 0; k < rows_.size() && k < 1000; ++k)
        first = std::min(first, sim::toSeconds(records[rows_[k]].sentAt));
    const double span = std::max(1e-9, sim::toSeconds(last_) - first);
    const int h = std::max(50, viewport()->height() - kHeader - 10);
    setSecondsPerPixel(span / h);
    scrollToTime(first);
}

void SequenceChartArea::updateScrollRange() {
    // The scroll bar counts pixels at the current zoom, up to the latest message (and a page).
    QScrollBar* bar = verticalScrollBar();
    const double end = sim::toSeconds(last_);
    const int page = std::max(1, viewport()->height() - kHeader);
    const double pixels = end / spp_;
    const int max = static_cast<int>(std::min(pixels, 2.0e9));
    const QSignalBlocker block(bar);
    bar->setRange(0, std::max(0, max));
    bar->setPageStep(page);
    bar->setValue(static_cast<int>(std::min(top_ / spp_, 2.0e9)));
}

void SequenceChartArea::scrollContentsBy(int, int) {
    top_ = verticalScrollBar()->value() * spp_;
    viewport()->update();
}

void SequenceChartArea::resizeEvent(QResizeEvent* event) {
    QAbstractScrollArea::resizeEvent(event);
    updateScrollRange();
}

void SequenceChartArea::wheelEvent(QWheelEvent* event) {
    if (!(event->modifiers() & Qt::ControlModifier)) return QAbstractScrollArea::wheelEvent(event);
    // Zoom around the time under the pointer.
    const double y = event->position().y() - kHeader;
    const double at = top_ + y * spp_;
    const double factor = std::pow(0.8, event->angleDelta().y() / 120.0);
    spp_ = std::clamp(spp_ * factor, kMinSpp, kMaxSpp);
    top_ = std::max(0.0, at - y * spp_);
    updateScrollRange();
    viewport()->update();
    event->accept();
}

const SequenceChartArea::Port& SequenceChartArea::portOf(sim::PortId port) const {
    while (ports_.size() <= port) {
        const QString name = log_->portName(static_cast<sim::PortId>(ports_.size()));
        ports_.push_back({name, portColour(name)});
    }
    return ports_[port];
}

double SequenceChartArea::columnX(std::size_t column) const {
    const double width = std::max<double>(kMinColumn * static_cast<double>(nodes_.size()),
                                          viewport()->width() - kAxis - 10);
    const double w = nodes_.empty() ? width : width / static_cast<double>(nodes_.size());
    return kAxis + w * (static_cast<double>(column) + 0.5);
}

double SequenceChartArea::timeY(sim::SimTime t) const {
    return kHeader + (sim::toSeconds(t) - top_) / spp_;
}

std::pair<std::size_t, std::size_t> SequenceChartArea::rowsInView() const {
    const MessageLog::Records records = log_->records();
    const double bottom = top_ + (viewport()->height() - kHeader) * spp_;
    const sim::SimTime top = sim::fromSeconds(std::max(0.0, top_));
    // Rows are in end order: the first that may show ended at or after the top; the last that
    // may show left before the bottom, so it ended no later than the bottom plus the longest
    // flight.
    const auto first = std::partition_point(
        rows_.begin(), rows_.end(), [&](std::uint32_t r) { return records[r].endedAt < top; });
    const double limit = bottom + sim::toSeconds(log_->longestFlight());
    const auto last = std::partition_point(first, rows_.end(), [&](std::uint32_t r) {
        return sim::toSeconds(records[r].endedAt) <= limit;
    });
    return {static_cast<std::size_t>(first - rows_.begin()),
            static_cast<std::size_t>(last - rows_.begin())};
}

void SequenceChartArea::paintEvent(QPaintEvent*) {
    QPainter p(viewport());
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    const int h = viewport()->height();
    drawn_ = {};
    if (nodes_.empty()) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(viewport()->rect(), Qt::AlignCenter,
                   log_->records().empty()
                       ? tr("Messages appear here while a run goes.")
                       : tr("Choose nodes to follow: names, the selected node, or the busiest."));
        return;
    }

    // The time axis, with a tick every 60 pixels or so.
    const double bottom = top_ + (h - kHeader) * spp_;
    const double step = tickStep(60 * spp_);
    QColor grid = pal.color(QPalette::Text);
    grid.setAlpha(35);
    p.setFont(QApplication::font());
    for (double t = std::ceil(top_ / step) * step; t <= bottom; t += step) {
        const double y = kHeader + (t - top_) / spp_;
        if (y < kHeader + 8) continue;  // under the names
        p.setPen(grid);
        p.drawLine(QPointF(kAxis - 4, y), QPointF(viewport()->width(), y));
        p.setPen(pal.color(QPalette::Text));
        p.drawText(QRectF(2, y - 9, kAxis - 8, 18), Qt::AlignRight | Qt::AlignVCenter,
                   secondsText(t));
    }

    // Life lines and, above them, the nodes' names.
    QColor life = pal.color(QPalette::Text);
    life.setAlpha(110);
    for (std::size_t c = 0; c < nodes_.size(); ++c) {
        const double x = columnX(c);
        p.setPen(QPen(life, 1.2, Qt::DashLine));
        p.drawLine(QPointF(x, kHeader), QPointF(x, h));
    }

    // The arrows in view: with few, each with its head and its label where one fits; with
    // many, plain lines in one call per colour, one line for all the messages that would be
    // drawn on the same pixels (what matters then is the pattern, and a frame must stay
    // quick however many messages are in view).
    const MessageLog::Records records = log_->records();
    const auto [first, last] = rowsInView();
    std::size_t inView = 0;
    for (std::size_t k = first; k < last; ++k)
        inView += sim::toSeconds(records[rows_[k]].sentAt) <= bottom;
    const bool dense = inView > kMaxDetailed;
    const bool labels = inView <= kMaxLabels;
    QFont small = QApplication::font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    p.setFont(small);
    const QFontMetricsF fm(small);
    std::vector<QRectF> placed;  // labels written so far
    std::vector<std::pair<QColor, std::vector<QLineF>>> bundles;
    std::unordered_set<std::uint64_t> pixels;  // dense: the lines drawn, by columns and rows
    if (dense) p.setRenderHint(QPainter::Antialiasing, false);
    for (std::size_t k = first; k < last; ++k) {
        const sim::MessageEnd& m = records[rows_[k]];
        if (sim::toSeconds(m.sentAt) > bottom) continue;
        if (drawn_.lines >= kMaxArrows) {
            ++drawn_.left;
            continue;
        }
        ++drawn_.arrows;
        const auto from = static_cast<std::size_t>(columnOf_[m.from]);
        const auto to = static_cast<std::size_t>(columnOf_[m.to]);
        const QPointF a(columnX(from), timeY(m.sentAt));
        const QPointF b(columnX(to), timeY(m.endedAt));
        const Port& port = portOf(m.port);
        const QString& kind = port.name;
        const QColor colour = m.delivered ? port.colour : QColor(0xe0, 0x3e, 0x3e);
        const QLineF line(a, b);
        if (dense) {
            const auto rowOf = [](double y) {
                return static_cast<std::uint64_t>(std::clamp(y + 1024.0, 0.0, 1048575.0));
            };
            const std::uint64_t key = (std::uint64_t{m.port} * 4096 + from * 64 + to) << 40 |
                                      rowOf(a.y()) << 20 | rowOf(b.y());
            if (!pixels.insert(key ^ (m.delivered ? 0 : std::uint64_t{1} << 63)).second) continue;
            ++drawn_.lines;
            auto it = std::find_if(bundles.begin(), bundles.end(),
                                   [&](const auto& x) { return x.first == colour; });
            if (it == bundles.end()) it = bundles.insert(bundles.end(), {colour, {}});
            it->second.push_back(line);
            continue;
        }
        ++drawn_.lines;
        if (m.delivered) {
            p.setPen(QPen(colour, 1.6));
            p.drawLine(line);
            // The head: a small triangle at the end.
            const double angle = std::atan2(b.y() - a.y(), b.x() - a.x());
            const QPointF h1 = b - QPointF(std::cos(angle - 0.4), std::sin(angle - 0.4)) * 9;
            const QPointF h2 = b - QPointF(std::cos(angle + 0.4), std::sin(angle + 0.4)) * 9;
            QPainterPath head(b);
            head.lineTo(h1);
            head.lineTo(h2);
            head.closeSubpath();
            p.setBrush(colour);
            p.drawPath(head);
        } else {
            // Lost on the way: as far as it got, by time, and a cross.
            p.setPen(QPen(colour, 1.6, Qt::DashLine));
            p.drawLine(line);
            p.setPen(QPen(colour, 2));
            p.drawLine(b + QPointF(-5, -5), b + QPointF(5, 5));
            p.drawLine(b + QPointF(-5, 5), b + QPointF(5, -5));
        }
        if (!labels) continue;
        // The label at the middle of the arrow, or nearer one end where the middle is taken
        // (arrows that fan out from one node at once have their middles close together).
        const QSizeF size(fm.horizontalAdvance(kind) + 6, fm.height());
        for (double t : {0.5, 0.72, 0.28, 0.85, 0.15}) {
            const QPointF at = line.pointAt(t);
            const QRectF r(at.x() - size.width() / 2, at.y() - size.height() - 1, size.width(),
                           size.height());
            if (std::any_of(placed.begin(), placed.end(),
                            [&](const QRectF& o) { return o.intersects(r); }))
                continue;
            placed.push_back(r);
            QColor plate = pal.color(QPalette::Base);
            plate.setAlpha(210);
            p.setPen(Qt::NoPen);
            p.setBrush(plate);
            p.drawRoundedRect(r, 3, 3);
            p.setPen(colour.darker(130));
            p.drawText(r, Qt::AlignCenter, kind);
            ++drawn_.labels;
            break;
        }
    }
    for (const auto& [colour, lines] : bundles) {
        p.setPen(QPen(colour, 1));
        p.drawLines(lines.data(), static_cast<int>(lines.size()));
    }
    p.setRenderHint(QPainter::Antialiasing, true);

    // The header last, over what scrolled under it.
    p.setFont(QApplication::font());
    p.fillRect(QRectF(0, 0, viewport()->width(), kHeader), pal.color(QPalette::Window));
    p.setPen(pal.color(QPalette::WindowText));
    for (std::size_t c = 0; c < nodes_.size(); ++c) {
        const double x = columnX(c);
        QFont bold = QApplication::font();
        bold.setBold(true);
        p.setFont(bold);
        // Centred over its life line, kept inside the view.
        QRectF r(x - kMinColumn / 2.0, 2, kMinColumn, kHeader - 4);
        r.moveRight(std::min(r.right(), viewport()->width() - 2.0));
        p.drawText(r, Qt::AlignCenter, log_->nodeName(nodes_[c]));
    }
    if (drawn_.left > 0) {
        p.setFont(QApplication::font());
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(viewport()->rect().adjusted(0, 0, -8, -4), Qt::AlignRight | Qt::AlignBottom,
                   tr("%1 more messages in view: zoom in (Ctrl+wheel)").arg(drawn_.left));
    }
}

int SequenceChartArea::arrowAt(const QPoint& pos) const {
    const MessageLog::Records records = log_->records();
    const auto [first, last] = rowsInView();
    double best = 5;  // pixels
    int found = -1;
    for (std::size_t k = first; k < last; ++k) {
        const sim::MessageEnd& m = records[rows_[k]];
        const QPointF a(columnX(static_cast<std::size_t>(columnOf_[m.from])), timeY(m.sentAt));
        const QPointF b(columnX(static_cast<std::size_t>(columnOf_[m.to])), timeY(m.endedAt));
        // Distance from the point to the segment.
        const QPointF d = b - a;
        const double len2 = d.x() * d.x() + d.y() * d.y();
        const double t =
            len2 > 0 ? std::clamp(QPointF::dotProduct(QPointF(pos) - a, d) / len2, 0.0, 1.0) : 0;
        const QPointF q = a + d * t;
        const double dist = std::hypot(pos.x() - q.x(), pos.y() - q.y());
        if (dist < best) {
            best = dist;
            found = static_cast<int>(k);
        }
    }
    return found;
}

bool SequenceChartArea::viewportEvent(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int k = arrowAt(help->pos());
        if (k < 0) {
            QToolTip::hideText();
            return true;
        }
        const sim::MessageEnd& m = log_->records()[rows_[static_cast<std::size_t>(k)]];
        QToolTip::showText(
            help->globalPos(),
            tr("%1: %2 → %3, %4\nsent at %5, %6 at %7 (%8 in flight)")
                .arg(log_->portName(m.port), log_->nodeName(m.from), log_->nodeName(m.to),
                     QString::fromStdString(sim::memoryText(static_cast<double>(m.bytes))),
                     secondsText(sim::toSeconds(m.sentAt)),
                     m.delivered ? tr("arrived")
                                 : tr("lost (%1)")
                                       .arg(QString::fromStdString(
                                           std::string(sim::lossReasonName(m.reason)))),
                     secondsText(sim::toSeconds(m.endedAt)),
                     secondsText(sim::toSeconds(m.endedAt - m.sentAt))),
            viewport());
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

// --- SequenceChart ----------------------------------------------------------------------------

SequenceChart::SequenceChart(const MessageLog* log, QWidget* parent)
    : QWidget(parent), log_(log), canvasNode_(sim::kNone) {
    setObjectName("sequenceChart");
    area_ = new SequenceChartArea(log, this);
    nodes_ = new QLineEdit(this);
    nodes_->setObjectName("sequenceNodes");
    nodes_->setPlaceholderText(tr("nodes to follow, e.g. coordinator, hospitals[0]"));
    nodes_->setToolTip(tr("The nodes whose messages to draw, by name, separated by commas"));
    addSelected_ = new QPushButton(tr("Add selected"), this);
    addSelected_->setToolTip(tr("Adds the node selected on the canvas"));
    addSelected_->setEnabled(false);
    auto* busiest = new QPushButton(tr("Busiest"), this);
    busiest->setToolTip(tr("The node with the most messages and its three busiest peers"));
    auto* fit = new QPushButton(tr("Fit"), this);
    fit->setToolTip(tr("Shows every message between these nodes at once (Ctrl+wheel zooms)"));
    status_ = new QLabel(this);
    status_->setObjectName("sequenceStatus");
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Nodes"), this));
    bar->addWidget(nodes_, 1);
    bar->addWidget(addSelected_);
    bar->addWidget(busiest);
    bar->addWidget(fit);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(area_, 1);
    layout->addWidget(status_);

    connect(nodes_, &QLineEdit::editingFinished, this, [this] {
        chosenByUser_ = true;
        chooseNames(nodes_->text());
    });
    connect(addSelected_, &QPushButton::clicked, this, [this] {
        if (canvasNode_ == sim::kNone) return;
        std::vector<std::uint32_t> nodes = area_->nodes();
        if (std::find(nodes.begin(), nodes.end(), canvasNode_) == nodes.end())
            nodes.push_back(canvasNode_);
        chosenByUser_ = true;
        chooseNodes(nodes);
    });
    connect(busiest, &QPushButton::clicked, this, [this] {
        chosenByUser_ = false;
        chooseNodes(log_->busiest(4));
    });
    connect(fit, &QPushButton::clicked, area_, &SequenceChartArea::fitAll);
    connect(log_, &MessageLog::appended, this, &SequenceChart::logGrew);
    connect(log_, &MessageLog::cleared, this, [this] {
        // A new run: the names chosen are kept, the nodes found again in its network.
        area_->cleared();
        if (chosenByUser_ && !nodes_->text().isEmpty()) chooseNames(nodes_->text());
        showStatus();
    });
    if (!log_->records().empty()) logGrew(0);
    showStatus();
}

void SequenceChart::logGrew(std::size_t first) {
    // Until someone chooses, the chart follows the busiest node and its busiest peers, until it
    // has four: the first messages may name only one peer, and a later batch more.
    if (!chosenByUser_ && area_->nodes().size() < 4) {
        const auto nodes = log_->busiest(4);
        if (nodes.size() >= 2 && nodes.size() > area_->nodes().size()) {
            chooseNodes(nodes);
            return;
        }
    }
    area_->appended(first);
    showStatus();
}

void SequenceChart::chooseNames(const QString& names) {
    std::vector<std::uint32_t> nodes;
    QStringList unknown;
    for (const QString& part : names.split(',', Qt::SkipEmptyParts)) {
        const std::uint32_t n = log_->nodeNamed(part);
        if (n == sim::kNone) {
            unknown << part.trimmed();
            continue;
        }
        if (std::find(nodes.begin(), nodes.end(), n) == nodes.end()) nodes.push_back(n);
    }
    problem_ = unknown.isEmpty() ? QString() : tr("no node named %1").arg(unknown.join(", "));
    area_->setNodes(std::move(nodes));
    showStatus();
}

void SequenceChart::chooseNodes(const std::vector<std::uint32_t>& nodes) {
    QStringList names;
    for (std::uint32_t n : nodes)
        names << log_->nodeName(n);
    nodes_->setText(names.join(", "));
    problem_.clear();
    area_->setNodes(nodes);
    showStatus();
}

void SequenceChart::setCanvasNode(std::uint32_t node) {
    canvasNode_ = node;
    addSelected_->setEnabled(node != sim::kNone);
}

void SequenceChart::showStatus() {
    QString text = tr("%1 messages between these nodes, of %2 recorded")
                       .arg(area_->rows().size())
                       .arg(log_->records().size());
    if (log_->dropped() > 0) text += tr("; %1 more were not recorded").arg(log_->dropped());
    if (!problem_.isEmpty()) text = problem_ + " · " + text;
    status_->setText(text);
}

}  // namespace dais::studio
