// The main window's docks: the role palette and the layers on the left with the scenario's
// description, the properties on the right, and below the event log, the live chart panels
// (as many as were open last time), the run history, the sequence chart, the inspector and the
// trace.
#include <QApplication>
#include <QDockWidget>
#include <QListWidget>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

#include "dais/core/json_pointer.h"
#include "dais/core/layer_registry.h"
#include "history/run_history_panel.h"
#include "run/event_log.h"
#include "run/inspector_panel.h"
#include "run/live_chart_panel.h"
#include "run/message_log.h"
#include "run/sequence_chart.h"
#include "run/trace_panel.h"
#include "ui/main_window.h"
#include "ui/network_canvas.h"
#include "ui/property_panel.h"
#include "ui/role_palette.h"
#include "ui/scenario_document.h"

namespace dais::studio {

QDockWidget* MainWindow::addDock(const QString& name, const QString& title, QWidget* w,
                                 Qt::DockWidgetArea area) {
    auto* d = new QDockWidget(title, this);
    d->setObjectName(name);
    d->setWidget(w);
    addDockWidget(area, d);
    viewMenu_->addAction(d->toggleViewAction());
    return d;
}

void MainWindow::buildDocks() {
    QDockWidget* palette = addDock("paletteDock", tr("Palette"), new RolePalette(canvas_, this),
                                   Qt::LeftDockWidgetArea);

    layers_ = buildLayersList();
    QDockWidget* layersDock = addDock("layersDock", tr("Layers"), layers_, Qt::LeftDockWidgetArea);
    tabifyDockWidget(palette, layersDock);
    palette->raise();

    QWidget* description = buildDescription();
    descriptionDock_ =
        addDock("descriptionDock", tr("Description"), description, Qt::LeftDockWidgetArea);

    properties_ = new PropertyPanel(doc_, this);
    addDock("propertiesDock", tr("Properties"), properties_, Qt::RightDockWidgetArea);

    eventLog_ = new EventLogView(this);
    eventLog_->attach(controller_);
    connect(eventLog_, &EventLogView::nodeActivated, canvas_, &NetworkCanvas::selectNode);
    eventLogDock_ = addDock("eventLogDock", tr("Event log"), eventLog_, Qt::BottomDockWidgetArea);

    // Live charts beside the log: as many as were open last time (at least one).
    const int count = std::clamp(QSettings().value("charts/count", 1).toInt(), 1, 12);
    for (int i = 0; i < count; ++i)
        addChartPanel();
    // Past runs: open one's charts or compare several in the centre.
    history_ = new RunHistoryPanel(store_, this);
    history_->setObjectName("runHistory");
    connect(history_, &RunHistoryPanel::openRunRequested, this,
            [this](qint64 id) { openStoredRun(id); });
    connect(history_, &RunHistoryPanel::compareRequested, this,
            [this](const QList<qint64>& ids) { compareRuns(ids); });
    QDockWidget* historyDock =
        addDock("historyDock", tr("Run history"), history_, Qt::BottomDockWidgetArea);
    tabifyDockWidget(eventLogDock_, historyDock);
    // The messages between a few nodes, as a sequence chart.
    messageLog_ = new MessageLog(this);
    messageLog_->attach(controller_);
    sequenceChart_ = new SequenceChart(messageLog_, this);
    sequenceDock_ = addDock("sequenceChartDock", tr("Sequence chart"), sequenceChart_,
                            Qt::BottomDockWidgetArea);
    tabifyDockWidget(eventLogDock_, sequenceDock_);
    // The layers' tables; a row with a node selects it on the canvas.
    inspector_ = new InspectorPanel(this);
    inspector_->attach(controller_);
    connect(inspector_, &InspectorPanel::nodeActivated, canvas_, &NetworkCanvas::selectNode);
    QDockWidget* inspectorDock =
        addDock("inspectorDock", tr("Inspector"), inspector_, Qt::BottomDockWidgetArea);
    tabifyDockWidget(eventLogDock_, inspectorDock);
    // The trace of a run's rounds; the nodes it names are marked on the canvas, and a suspect
    // picked is selected there. Both only on the network of the run traced (not on a network
    // edited since).
    trace_ = new TracePanel(this);
    trace_->attach(controller_);
    connect(trace_, &TracePanel::nodeActivated, this, [this](std::uint32_t node) {
        if (canvas_->networkStructure() == trace_->networkStructure()) canvas_->selectNode(node);
    });
    connect(trace_, &TracePanel::suspectsChanged, this, [this](std::vector<std::uint32_t> nodes) {
        if (canvas_->networkStructure() == trace_->networkStructure())
            canvas_->markNodes(std::move(nodes), tr("named by the trace"));
    });
    QDockWidget* traceDock = addDock("traceDock", tr("Trace"), trace_, Qt::BottomDockWidgetArea);
    tabifyDockWidget(eventLogDock_, traceDock);
    eventLogDock_->raise();

    connect(qApp, &QApplication::focusChanged, this, [this](QWidget*, QWidget* now) {
        for (LiveChartPanel* p : std::as_const(charts_))
            if (now && (p == now || p->isAncestorOf(now))) lastChart_ = p;
    });
}

/// The layers: enable one with its check box, click one to configure it in the property panel.
QListWidget* MainWindow::buildLayersList() {
    auto* list = new QListWidget(this);
    list->setObjectName("layersList");
    connect(list, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
        const std::string id = item->data(Qt::UserRole).toString().toStdString();
        const bool on = item->checkState() == Qt::Checked;
        const std::string layer = core::childPointer("/layers", id);
        const Json* settings = doc_->at(layer);
        if (on && !settings)
            doc_->set(tr("Enable %1").arg(item->text()), layer, Json::object());
        else if (on && settings && settings->contains("enabled"))
            doc_->remove(tr("Enable %1").arg(item->text()), layer + "/enabled");
        else if (!on && settings &&
                 !(settings->contains("enabled") && !(*settings)["enabled"].get<bool>()))
            doc_->set(tr("Disable %1").arg(item->text()), layer + "/enabled", false);
    });
    connect(list, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        properties_->showTarget(
            core::childPointer("/layers", item->data(Qt::UserRole).toString().toStdString()));
    });
    return list;
}

/// The description: the scenario's teaching text, shown, and edited on demand.
QWidget* MainWindow::buildDescription() {
    auto* box = new QWidget(this);
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(4, 4, 4, 4);
    descriptionStack_ = new QStackedWidget(box);
    description_ = new QTextBrowser(box);
    description_->setOpenExternalLinks(true);
    descriptionEditor_ = new QPlainTextEdit(box);
    descriptionEditor_->setObjectName("descriptionEditor");
    descriptionStack_->addWidget(description_);
    descriptionStack_->addWidget(descriptionEditor_);
    auto* editButton = new QPushButton(tr("Edit"), box);
    editButton->setCheckable(true);
    editButton->setToolTip(tr("Edit the description (Markdown)"));
    connect(editButton, &QPushButton::toggled, this, [this, editButton](bool on) {
        descriptionStack_->setCurrentIndex(on ? 1 : 0);
        editButton->setText(on ? tr("Done") : tr("Edit"));
    });
    connect(descriptionEditor_, &QPlainTextEdit::textChanged, this, [this] {
        const std::string text = descriptionEditor_->toPlainText().toStdString();
        const Json* d = doc_->at("/meta/description");
        if (descriptionEditor_->hasFocus() &&
            (!d || !d->is_string() || d->get<std::string>() != text)) {
            doc_->set(tr("Edit the description"), "/meta/description", text, 0x44455343);
            description_->setMarkdown(QString::fromStdString(text));
        }
    });
    v->addWidget(descriptionStack_);
    v->addWidget(editButton, 0, Qt::AlignRight);
    return box;
}

LiveChartPanel* MainWindow::addChartPanel() {
    auto* panel = new LiveChartPanel(metrics_, this);
    const int n = int(charts_.size()) + 1;
    panel->setObjectName(QStringLiteral("chartPanel%1").arg(n));
    QDockWidget* previous = charts_.isEmpty()
                                ? eventLogDock_
                                : qobject_cast<QDockWidget*>(charts_.back()->parentWidget());
    charts_ << panel;
    QDockWidget* d = addDock(QStringLiteral("chartDock%1").arg(n), tr("Chart %1").arg(n), panel,
                             Qt::BottomDockWidgetArea);
    if (previous) splitDockWidget(previous, d, Qt::Horizontal);
    d->show();
    return panel;
}

void MainWindow::refreshLayers() {
    const QSignalBlocker block(layers_);
    layers_->clear();
    for (const core::LayerFactory* f : core::LayerRegistry::installed().layers()) {
        const core::LayerDescriptor& d = f->descriptor;
        auto* item = new QListWidgetItem(QString::fromStdString(d.name), layers_);
        item->setData(Qt::UserRole, QString::fromStdString(d.id));
        item->setToolTip(QString::fromStdString(d.summary));
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        const Json* s = doc_->at(core::childPointer("/layers", d.id));
        const bool on = s && !(s->contains("enabled") && (*s)["enabled"].is_boolean() &&
                               !(*s)["enabled"].get<bool>());
        item->setCheckState(on ? Qt::Checked : Qt::Unchecked);
    }
}

QStringList MainWindow::panelNames() {
    return {"event-log", "history", "inspector", "sequence-chart", "trace"};
}

bool MainWindow::showPanel(const QString& name) {
    const QString object = name == "event-log"        ? "eventLogDock"
                           : name == "history"        ? "historyDock"
                           : name == "inspector"      ? "inspectorDock"
                           : name == "sequence-chart" ? "sequenceChartDock"
                           : name == "trace"          ? "traceDock"
                                                      : QString();
    auto* dock = object.isEmpty() ? nullptr : findChild<QDockWidget*>(object);
    if (!dock) return false;
    dock->show();
    dock->raise();
    // Room to read it: at least two fifths of the window's height and over half its width.
    if (dock->height() < height() * 2 / 5) resizeDocks({dock}, {height() * 2 / 5}, Qt::Vertical);
    if (dock->width() < width() * 3 / 5) resizeDocks({dock}, {width() * 3 / 5}, Qt::Horizontal);
    return true;
}

void MainWindow::selectionChanged(const CanvasSelection& s) {
    const bool node =
        s.kind == CanvasSelection::Kind::Node || s.kind == CanvasSelection::Kind::Member;
    sequenceChart_->setCanvasNode(node ? s.node : NetworkStructure::kNone);
    switch (s.kind) {
        case CanvasSelection::Kind::None:
        case CanvasSelection::Kind::Several:
            properties_->showTarget("");
            break;
        default:
            properties_->showTarget(s.pointer);
            break;
    }
}

}  // namespace dais::studio
