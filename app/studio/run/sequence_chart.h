#pragma once
// The message sequence chart: for a chosen set of nodes, one life line each (a column), time
// flowing down, and one arrow per message between them from when it left to when it arrived,
// labelled with its kind (the port it was sent on); a lost message ends in a cross where it
// was lost. It is how a protocol is shown step by step: a federated round's model going out
// and its updates coming back, a gossip rumour's pushes.
//
// Nodes are chosen by name (as the canvas writes them), from the canvas's selection, or as the
// busiest node and its busiest peers (the default once messages arrive). Only what is in view
// is drawn: the arrows are found by binary search over the log, which is ordered by end time;
// beyond kMaxDetailed in view they are plain lines, one for all the messages that fall on the
// same pixels, so a log of a million messages scrolls and zooms as quickly as one of ten.

#include <QAbstractScrollArea>
#include <QWidget>

#include <cstdint>
#include <vector>

#include <QColor>
#include <QString>

#include "dais/sim/network.h"
#include "dais/sim/time.h"

class QLabel;
class QLineEdit;
class QPushButton;

namespace dais::studio {

class MessageLog;

/// The drawing: life lines, arrows, the time axis. Scrolls in time, zooms with Ctrl+wheel.
class SequenceChartArea final : public QAbstractScrollArea {
    Q_OBJECT
  public:
    /// Lines drawn at most in one paint; the messages in view beyond them are counted.
    static constexpr std::size_t kMaxArrows = 20'000;
    /// Beyond this many in view, arrows are drawn as plain lines (no heads, no labels).
    static constexpr std::size_t kMaxDetailed = 2'000;
    /// Labels are written on arrows while no more than this many are in view.
    static constexpr std::size_t kMaxLabels = 400;

    explicit SequenceChartArea(const MessageLog* log, QWidget* parent = nullptr);

    void setNodes(std::vector<std::uint32_t> nodes);
    const std::vector<std::uint32_t>& nodes() const { return nodes_; }
    /// Records of the log between the chosen nodes, by index into MessageLog::records().
    const std::vector<std::uint32_t>& rows() const { return rows_; }
    /// New records in the log from `first` on; a cleared log.
    void appended(std::size_t first);
    void cleared();

    /// Simulated seconds per pixel down the chart, and the time at the top of the view.
    double secondsPerPixel() const { return spp_; }
    void setSecondsPerPixel(double spp);
    double topTime() const;
    /// Shows simulated time `t` at the top of the view.
    void scrollToTime(double t);
    /// Shows the whole log between the chosen nodes at once.
    void fitAll();

    /// What the last paint drew: messages shown, lines painted for them (many messages on
    /// the same pixels share one), labels written, and messages in view left out.
    struct Drawn {
        std::size_t arrows = 0, lines = 0, labels = 0, left = 0;
    };
    const Drawn& drawn() const { return drawn_; }
    /// The arrow under a viewport point (within a few pixels), or -1: its row index.
    int arrowAt(const QPoint& pos) const;

  protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    bool viewportEvent(QEvent* event) override;
    void scrollContentsBy(int dx, int dy) override;

  private:
    /// Where a node's life line and a time are drawn, in viewport pixels.
    double columnX(std::size_t column) const;
    double timeY(sim::SimTime t) const;
    /// Rows whose arrows may cross the view: from the first that ended at or after its top.
    std::pair<std::size_t, std::size_t> rowsInView() const;
    void updateScrollRange();
    /// A sensible first zoom: the typical message takes a few dozen pixels.
    void chooseZoom();

    /// A port's name and colour, kept for painting.
    struct Port {
        QString name;
        QColor colour;
    };
    const Port& portOf(sim::PortId port) const;

    const MessageLog* log_;
    mutable std::vector<Port> ports_;
    std::vector<std::uint32_t> nodes_;
    std::vector<int> columnOf_;  // per node: its column, or -1
    std::vector<std::uint32_t> rows_;
    double spp_ = 1e-3;
    double top_ = 0;  // seconds at the top of the view
    bool zoomChosen_ = false;
    sim::SimTime last_ = 0;  // the latest end time among rows_
    Drawn drawn_;
};

/// The chart with its node chooser.
class SequenceChart final : public QWidget {
    Q_OBJECT
  public:
    explicit SequenceChart(const MessageLog* log, QWidget* parent = nullptr);

    SequenceChartArea* area() const { return area_; }
    QLineEdit* nodesEdit() const { return nodes_; }
    /// Chooses nodes by name, as in the field ("coordinator, hospitals[0]"); unknown names are
    /// reported under the field.
    void chooseNames(const QString& names);
    void chooseNodes(const std::vector<std::uint32_t>& nodes);
    /// The node selected on the canvas, for the "Add selected" button (kNone: none).
    void setCanvasNode(std::uint32_t node);

  private:
    void logGrew(std::size_t first);
    void showStatus();

    const MessageLog* log_;
    SequenceChartArea* area_;
    QLineEdit* nodes_;
    QPushButton* addSelected_;
    QLabel* status_;
    QString problem_;
    std::uint32_t canvasNode_;
    bool chosenByUser_ = false;
};

}  // namespace dais::studio
