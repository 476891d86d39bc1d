// dais-studio-bench: how responsive the studio is, measured in the real GUI (a MainWindow on
// whichever Qt platform is in use: offscreen, or an X display such as Xvfb) and printed as a
// table of figures against the studio's bars: no stall of the GUI thread over 50 ms, canvas
// frames under 16 ms.
//
//   open    wall time to open regional-outage-10k until the canvas has painted it
//   frames  canvas frame times with 10,000 nodes drawn during an animated run
//   stall   the longest GUI-thread stall during a fast run of phones
//   messages  the same during a fast run of gossip-epidemic (a million messages), the sequence
//           chart and the inspector shown
//
// The runs go to a temporary run store and the window's settings to a temporary folder, so
// neither the user's store nor the user's window layout is touched or affects the figures.

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QGraphicsScene>
#include <QMessageBox>
#include <QMetaEnum>
#include <QPixmap>
#include <QPointer>
#include <QScreen>
#include <QSettings>
#include <QSlider>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QWindow>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "run/event_loop_gap_probe.h"
#include "run/message_log.h"
#include "run/network_structure.h"
#include "run/run_controller.h"
#include "ui/main_window.h"
#include "ui/network_canvas.h"
#include "ui/network_view.h"
#include "ui/scenario_document.h"

using namespace dais::studio;

namespace {

constexpr double kFrameBarMs = 16.0;
constexpr double kStallBarMs = 50.0;
const char* const kLargeScenario = "regional-outage-10k.dais.json";
const char* const kFastScenario = "phones.dais.json";
const char* const kMessagesScenario = "gossip-epidemic.dais.json";

struct Options {
    QString scenarios;
    int repetitions = 3;
    double seconds = 10;
    int speedSlider = 4;  // 10^(4/4) = 10x
    int rounds = 0;       // 0: as the scenario says
};

// --- small helpers -------------------------------------------------------------------------

/// Runs the event loop until `done` holds (checked every `pollMs`) or `timeoutMs` passes.
bool waitUntil(const std::function<bool()>& done, int timeoutMs, int pollMs = 1) {
    if (done()) return true;
    QEventLoop loop;
    QElapsedTimer clock;
    clock.start();
    QTimer poll;
    poll.setObjectName("bench.poll");
    poll.setTimerType(Qt::PreciseTimer);
    poll.setInterval(pollMs);
    bool ok = false;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done()) {
            ok = true;
            loop.quit();
        } else if (clock.elapsed() >= timeoutMs) {
            loop.quit();
        }
    });
    poll.start();
    loop.exec();
    return ok;
}

/// Runs the event loop for `ms` milliseconds.
void runFor(int ms) {
    QEventLoop loop;
    QTimer::singleShot(ms, Qt::PreciseTimer, &loop, &QEventLoop::quit);
    loop.exec();
}

/// CPU time of the calling thread, in nanoseconds: a gap in which the GUI thread used little
/// CPU was the machine's doing (other processes, the run's threads), not the studio's code.
qint64 threadCpuNs() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<qint64>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

double msSince(const QElapsedTimer& clock, qint64 fromNs) {
    return static_cast<double>(clock.nsecsElapsed() - fromNs) * 1e-6;
}

struct Summary {
    std::size_t n = 0;
    double min = 0, median = 0, p95 = 0, p99 = 0, max = 0, mean = 0;
};

/// Nearest-rank percentiles of `values`.
Summary summarize(const std::vector<double>& values) {
    Summary s;
    std::vector<double> v;
    v.reserve(values.size());
    for (double x : values)
        v.push_back(x);
    if (v.empty()) return s;
    std::sort(v.begin(), v.end());
    const auto rank = [&](double q) {
        const auto k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
        return v[std::clamp<std::size_t>(k, 1, v.size()) - 1];
    };
    s.n = v.size();
    s.min = v.front();
    s.max = v.back();
    s.median = rank(0.5);
    s.p95 = rank(0.95);
    s.p99 = rank(0.99);
    double total = 0;
    for (double x : v)
        total += x;
    s.mean = total / static_cast<double>(v.size());
    return s;
}

std::size_t countOver(const std::vector<double>& values, double bar) {
    return static_cast<std::size_t>(
        std::count_if(values.begin(), values.end(), [bar](double x) { return x > bar; }));
}

QByteArray text(const QString& s) {
    return s.toLocal8Bit();
}

// --- what the GUI thread spends its time on -------------------------------------------------

/// One event that took a while to handle, for naming what filled a stall.
struct SlowEvent {
    qint64 end = 0;  // ns on the application's clock
    double ms = 0;
    double cpuMs = 0;  // of it, on the GUI thread's CPU
    int depth = 0;     // 0: dispatched by the event loop; more: sent while handling another event
    QString what;
};

/// The application, timing every event it delivers: events that take over 2 ms are kept.
class BenchApplication : public QApplication {
  public:
    BenchApplication(int& argc, char** argv) : QApplication(argc, argv) { clock_.start(); }
    const QElapsedTimer& clock() const { return clock_; }
    std::vector<SlowEvent>& slowEvents() { return slow_; }

    bool notify(QObject* receiver, QEvent* event) override {
        const qint64 begin = clock_.nsecsElapsed(), cpu = threadCpuNs();
        const QEvent::Type type = event->type();
        // A receiver may delete itself while it handles the event (a deferred delete, a
        // single-shot timer): it is named afterwards only if it is still there.
        const QPointer<QObject> alive(receiver);
        ++depth_;
        const bool result = QApplication::notify(receiver, event);
        --depth_;
        const qint64 end = clock_.nsecsElapsed();
        if (end - begin > 2'000'000 && slow_.size() < 200'000) {
            QString name = QStringLiteral("(deleted)");
            if (alive) {
                name = QString::fromLatin1(receiver->metaObject()->className());
                if (!receiver->objectName().isEmpty()) name += "#" + receiver->objectName();
                if (const QObject* owner = receiver->parent()) {
                    name += QStringLiteral(" of ") +
                            QString::fromLatin1(owner->metaObject()->className());
                    if (!owner->objectName().isEmpty()) name += "#" + owner->objectName();
                }
            }
            const char* key = QMetaEnum::fromType<QEvent::Type>().valueToKey(type);
            slow_.push_back(
                {end, static_cast<double>(end - begin) * 1e-6,
                 static_cast<double>(threadCpuNs() - cpu) * 1e-6, depth_,
                 name + " " +
                     (key ? QString::fromLatin1(key) : QString::number(static_cast<int>(type)))});
        }
        return result;
    }

  private:
    QElapsedTimer clock_;
    std::vector<SlowEvent> slow_;
    int depth_ = 0;
};

BenchApplication* benchApp() {
    return static_cast<BenchApplication*>(QCoreApplication::instance());
}

// --- the table of figures ------------------------------------------------------------------

struct Figure {
    QString name;
    QString value;
    QString bar;  // "" when the figure has no bar
    int verdict;  // -1 no bar, 0 misses it, 1 meets it
    QString meaning;
};

class Report {
  public:
    void info(const QString& name, const QString& value, const QString& meaning) {
        figures_.push_back({name, value, QString(), -1, meaning});
    }
    /// A figure in milliseconds that passes when it is under `bar`.
    void under(const QString& name, double ms, double bar, const QString& meaning) {
        figures_.push_back({name, QStringLiteral("%1 ms").arg(ms, 0, 'f', 1),
                            QStringLiteral("< %1 ms").arg(bar, 0, 'f', 0), ms < bar ? 1 : 0,
                            meaning});
    }
    /// A count (or fraction) that passes when it is zero.
    void none(const QString& name, const QString& value, bool zero, const QString& meaning) {
        figures_.push_back({name, value, QStringLiteral("0"), zero ? 1 : 0, meaning});
    }
    void failed(const QString& measure, const QString& why) {
        figures_.push_back({measure, QStringLiteral("not measured"), QString(), 0, why});
        ++failures_;
    }
    int failures() const { return failures_; }
    bool barsMet() const {
        return std::none_of(figures_.begin(), figures_.end(),
                            [](const Figure& f) { return f.verdict == 0; });
    }

    void print() const {
        std::printf("\n%-36s %13s  %-9s %-6s  %s\n", "figure", "value", "bar", "result",
                    "what it means");
        std::printf("%s\n", QString(120, QLatin1Char('-')).toLatin1().constData());
        for (const Figure& f : figures_) {
            const char* verdict = f.verdict < 0 ? "-" : f.verdict ? "pass" : "FAIL";
            std::printf("%-36s %13s  %-9s %-6s  %s\n", text(f.name).constData(),
                        text(f.value).constData(),
                        text(f.bar.isEmpty() ? QStringLiteral("-") : f.bar).constData(), verdict,
                        text(f.meaning).constData());
        }
        std::printf("\nbar: no stall over %.0f ms, frames under %.0f ms -> %s\n", kStallBarMs,
                    kFrameBarMs,
                    failures_   ? "incomplete (a measure failed)"
                    : barsMet() ? "all figures meet their bar"
                                : "some figures miss their bar (FAIL above)");
    }

  private:
    std::vector<Figure> figures_;
    int failures_ = 0;
};

// --- the window ----------------------------------------------------------------------------

/// Dismisses any modal dialog the studio opens (a failed run, a scenario with problems), so an
/// unattended measurement never waits for a click; what it said is printed and remembered.
class DialogWatch {
  public:
    DialogWatch() {
        timer_.setObjectName("bench.dialogs");
        timer_.setInterval(200);
        QObject::connect(&timer_, &QTimer::timeout, [this] {
            QWidget* modal = QApplication::activeModalWidget();
            if (!modal) return;
            const auto* box = qobject_cast<QMessageBox*>(modal);
            const QString said =
                box ? box->windowTitle() + ": " + box->text() + " " + box->informativeText()
                    : modal->windowTitle();
            std::fprintf(stderr, "dais-studio-bench: dismissed a dialog: %s\n",
                         text(said.simplified()).constData());
            messages_ << said.simplified();
            modal->close();
        });
        timer_.start();
    }
    QStringList messages() const { return messages_; }

  private:
    QTimer timer_;
    QStringList messages_;
};

std::unique_ptr<MainWindow> showWindow() {
    auto w = std::make_unique<MainWindow>();
    w->resize(1400, 880);
    w->show();
    MainWindow* raw = w.get();
    waitUntil([raw] { return raw->windowHandle() && raw->windowHandle()->isExposed(); }, 10000);
    runFor(200);  // the first paints of the empty window
    return w;
}

/// Opens a scenario and waits until it validated and the canvas holds its network.
bool openAndWait(MainWindow& w, const QString& path, QString* why) {
    if (!w.openFile(path)) {
        *why = QStringLiteral("cannot open %1").arg(path);
        return false;
    }
    ScenarioDocument* doc = w.document();
    NetworkCanvas* canvas = w.canvas();
    if (!waitUntil([&] { return doc->valid() && canvas->drawnNodeCount() > 0; }, 60000, 5)) {
        *why = doc->problems().empty()
                   ? QStringLiteral("%1 was not drawn within 60 s").arg(path)
                   : QStringLiteral("%1 has problems: %2")
                         .arg(path, QString::fromStdString(doc->problems().front().message));
        return false;
    }
    // openFile validates before it resets the canvas, which then drops the layout it has just
    // built (see the note of the open measure); validating again gives the canvas its layout.
    if (!canvas->networkStructure()) {
        doc->validate();
        if (!canvas->networkStructure()) {
            *why = QStringLiteral("the canvas has no layout of %1").arg(path);
            return false;
        }
    }
    runFor(300);
    return true;
}

void stopRun(MainWindow& w) {
    if (!w.controller()->busy()) return;
    w.controller()->stop();
    waitUntil([&] { return !w.controller()->busy(); }, 30000, 5);
}

// --- open ----------------------------------------------------------------------------------

struct OpenSample {
    double total = 0;       // openFile until the first paint of the canvas
    double untilDrawn = 0;  // read, parse, validate, layout, scene: the canvas holds the network
    double panels = 0;      // then the rest of openFile: the panels told of the new document
    double firstPaint = 0;  // then the next turns of the event loop up to the first paint
    double paintCall = 0;   // that first paint's own paintEvent
    double parse = 0;       // alone: the file read and parsed as JSON
    double validate = 0;    // alone: loadScenarioText of the document
    double layout = 0;      // alone: NetworkStructure::build
    double scene = 0;       // alone: the canvas's scene rebuilt (groups collapsed)
    double repaint = 0;     // alone: viewport()->repaint()
    double grab = 0;        // alone: the whole window grabbed
    int drawn = 0;
    int itemsAfterOpen = 0, itemsWithLayout = 0;  // scene items
    bool layoutKept = true;  // the canvas still has its NetworkStructure after openFile
    bool forced = false;
};

/// Opens `path` in the window, timed until the canvas has painted it.
bool timeOpen(MainWindow& w, const QString& path, OpenSample& s, Report& report) {
    ScenarioDocument* doc = w.document();
    NetworkCanvas* canvas = w.canvas();
    NetworkView* view = canvas->view();
    QElapsedTimer clock;
    clock.start();
    // Connected after the canvas's own handler: when this runs, the document validated and
    // the canvas built the layout and filled the scene (openFile validates at once).
    qint64 validatedAt = -1;
    const auto c = QObject::connect(doc, &ScenarioDocument::validated, &w, [&] {
        if (validatedAt < 0 && doc->valid() && canvas->drawnNodeCount() > 0)
            validatedAt = clock.nsecsElapsed();
    });
    const qint64 t0 = clock.nsecsElapsed();
    if (!w.openFile(path)) {
        report.failed("open", QStringLiteral("cannot open %1").arg(path));
        return false;
    }
    const qint64 opened = clock.nsecsElapsed();
    view->clearFrameTimes();
    // Validation normally ran inside openFile; an edit's validation waits 120 ms.
    if (!waitUntil([&] { return validatedAt >= 0; }, 60000)) {
        report.failed(
            "open", QStringLiteral("%1 was not validated and drawn within 60 s; %2")
                        .arg(path, doc->problems().empty()
                                       ? QString()
                                       : QString::fromStdString(doc->problems().front().message)));
        return false;
    }
    // The first paint after that; forced when none comes within a second.
    if (!waitUntil([&] { return !view->frameTimes().empty(); }, 1000)) {
        s.forced = true;
        view->viewport()->repaint();
    }
    const qint64 painted = clock.nsecsElapsed();
    QObject::disconnect(c);
    const qint64 drawnAt = std::max(validatedAt, t0);
    s.total = static_cast<double>(painted - t0) * 1e-6;
    s.untilDrawn = static_cast<double>(drawnAt - t0) * 1e-6;
    s.panels = static_cast<double>(std::max(opened, drawnAt) - drawnAt) * 1e-6;
    s.firstPaint = static_cast<double>(painted - std::max(opened, drawnAt)) * 1e-6;
    s.paintCall = view->frameTimes().empty() ? 0 : view->frameTimes().front();
    s.drawn = canvas->drawnNodeCount();
    runFor(200);
    s.layoutKept = canvas->networkStructure() != nullptr;
    s.itemsAfterOpen = static_cast<int>(canvas->scene()->items().size());
    return true;
}

/// The phases of an open again, each alone, in the same window.
void timePhasesAlone(MainWindow& w, const QString& path, OpenSample& s) {
    ScenarioDocument* doc = w.document();
    NetworkCanvas* canvas = w.canvas();
    NetworkView* view = canvas->view();
    QElapsedTimer clock;
    clock.start();
    qint64 t = clock.nsecsElapsed();
    {
        QFile file(path);
        if (file.open(QIODevice::ReadOnly)) {
            const QByteArray bytes = file.readAll();
            const Json parsed =
                Json::parse(bytes.constData(), bytes.constData() + bytes.size(), nullptr, false);
            s.parse = parsed.is_discarded() ? 0 : msSince(clock, t);
        }
    }
    t = clock.nsecsElapsed();
    auto loaded = dais::core::loadScenarioText(doc->json().dump(), path.toStdString());
    s.validate = msSince(clock, t);
    if (loaded) {
        t = clock.nsecsElapsed();
        auto built = NetworkStructure::build(loaded.value().network, loaded.value().run.seed);
        s.layout = msSince(clock, t);
    }
    // The canvas needs its layout for a rebuild: validating again gives it one when the
    // open lost it (see the note printed below the table).
    if (!canvas->networkStructure()) doc->validate();
    runFor(200);
    s.itemsWithLayout = static_cast<int>(canvas->scene()->items().size());
    t = clock.nsecsElapsed();
    canvas->expandAllGroups(false);  // the same groups: rebuilds the same scene
    s.scene = msSince(clock, t);
    runFor(200);
    t = clock.nsecsElapsed();
    view->viewport()->repaint();
    s.repaint = msSince(clock, t);
    t = clock.nsecsElapsed();
    const QPixmap shot = w.grab();
    s.grab = msSince(clock, t);
}

/// What the opens measured: the notes under the table, and the figures.
void reportOpen(const Options& o, const std::vector<OpenSample>& samples, Report& report) {
    const OpenSample& last = samples.back();
    std::printf(
        "  (ms) read..scene: openFile until the canvas holds the network (read, parse, "
        "validate, layout, scene);\n"
        "  panels: the rest of openFile; first paint: until the canvas first painted "
        "after it; alone: each phase timed by itself in the same window\n");
    std::printf(
        "  nodes drawn: %d (groups collapsed, as a scenario opens); scene items after "
        "open: %d, once the canvas has a layout: %d\n",
        last.drawn, last.itemsAfterOpen, last.itemsWithLayout);
    if (!last.layoutKept)
        std::printf(
            "  note: after openFile the canvas has no NetworkStructure (networkStructure() is "
            "null): links are not drawn and expanding groups does nothing until the "
            "document validates again\n");
    const auto field = [&](double OpenSample::*member) {
        std::vector<double> v;
        for (const OpenSample& s : samples)
            v.push_back(s.*member);
        return summarize(v);
    };
    const Summary total = field(&OpenSample::total);
    const QString n = QString::number(o.repetitions);
    const auto ms = [](double v) { return QStringLiteral("%1 ms").arg(v, 0, 'f', 1); };
    report.info("open: to first paint, min", ms(total.min),
                QStringLiteral("open %1 until its network is painted, best of %2 fresh windows")
                    .arg(kLargeScenario, n));
    report.info("open: to first paint, median", ms(total.median),
                QStringLiteral("the same, median of %1").arg(n));
    report.info("open: read..scene, median", ms(field(&OpenSample::untilDrawn).median),
                "openFile until the canvas holds the network");
    report.info("open: panels, median", ms(field(&OpenSample::panels).median),
                "the rest of openFile (panels told of the new document)");
    report.info("open: first paint, median", ms(field(&OpenSample::firstPaint).median),
                "after openFile, until the canvas painted");
    report.under("open: canvas repaint, median", field(&OpenSample::repaint).median, kFrameBarMs,
                 "viewport()->repaint() of the whole network, groups collapsed, with links");
}

bool measureOpen(const Options& o, Report& report) {
    const QString path = QDir(o.scenarios).filePath(kLargeScenario);
    std::printf("\n== open: %s in a fresh window until the canvas has painted it (%d times)\n",
                kLargeScenario, o.repetitions);
    std::printf("%4s %9s %14s %8s %11s %8s | alone: %7s %9s %8s %8s %8s %8s\n", "rep", "total",
                "read..scene", "panels", "first paint", "(paint)", "parse", "validate", "layout",
                "scene", "repaint", "grab");
    std::vector<OpenSample> samples;
    for (int rep = 1; rep <= o.repetitions; ++rep) {
        auto w = showWindow();
        OpenSample s;
        if (!timeOpen(*w, path, s, report)) return false;
        timePhasesAlone(*w, path, s);
        std::printf(
            "%4d %9.1f %14.1f %8.1f %11.1f %8.1f | alone: %7.1f %9.1f %8.1f %8.1f %8.1f "
            "%8.1f%s\n",
            rep, s.total, s.untilDrawn, s.panels, s.firstPaint, s.paintCall, s.parse, s.validate,
            s.layout, s.scene, s.repaint, s.grab, s.forced ? "  (no paint came: forced)" : "");
        std::fflush(stdout);
        samples.push_back(s);
        w.reset();
        runFor(100);
    }
    reportOpen(o, samples, report);
    return true;
}

// --- frames --------------------------------------------------------------------------------

struct FrameRun {
    std::vector<double> frames;
    double seconds = 0;
    int drawn = 0;
    int maxMessages = 0;
    bool forced = false;
    bool ok = false;
    QString why;
};

/// One animated run in `w`, measuring the canvas's paint times for `o.seconds` of wall time.
FrameRun animatedRun(MainWindow& w, const Options& o, bool forceRepaints) {
    FrameRun r;
    NetworkCanvas* canvas = w.canvas();
    NetworkView* view = canvas->view();
    stopRun(w);
    int activity = 0;
    const auto c =
        QObject::connect(w.controller(), &RunController::activity, &w, [&activity] { ++activity; });
    w.startRun(false);
    // Prepared (the canvas got the run's network) and animating.
    if (!waitUntil([&] { return activity >= 3; }, 60000, 5)) {
        QObject::disconnect(c);
        r.why = "the animated run sent no activity within 60 s";
        return r;
    }
    QObject::disconnect(c);
    r.drawn = canvas->drawnNodeCount();
    QTimer display;
    display.setObjectName("bench.display");
    display.setTimerType(Qt::PreciseTimer);
    display.setInterval(16);
    QObject::connect(&display, &QTimer::timeout, view->viewport(),
                     [view] { view->viewport()->update(); });
    if (forceRepaints) display.start();
    QTimer sample;
    sample.setObjectName("bench.sample");
    sample.setInterval(50);
    QObject::connect(&sample, &QTimer::timeout,
                     [&] { r.maxMessages = std::max(r.maxMessages, canvas->messagesInFlight()); });
    sample.start();
    view->clearFrameTimes();
    QElapsedTimer clock;
    clock.start();
    runFor(static_cast<int>(o.seconds * 1000));
    r.seconds = static_cast<double>(clock.nsecsElapsed()) * 1e-9;
    for (double f : view->frameTimes())
        r.frames.push_back(f);
    display.stop();
    sample.stop();
    r.forced = forceRepaints;
    r.ok = true;
    stopRun(w);
    return r;
}

bool measureFrames(const Options& o, Report& report) {
    const QString path = QDir(o.scenarios).filePath(kLargeScenario);
    const double speed = std::pow(10.0, o.speedSlider / 4.0);
    std::printf(
        "\n== frames: canvas paint times during an animated run of %s at %gx, %.0f s "
        "each\n",
        kLargeScenario, speed, o.seconds);
    auto w = showWindow();
    QString why;
    if (!openAndWait(*w, path, &why)) {
        report.failed("frames", why);
        return false;
    }
    auto* slider = w->findChild<QSlider*>("speed");
    if (!slider) {
        report.failed("frames", "the window has no speed slider");
        return false;
    }
    slider->setValue(o.speedSlider);
    std::printf("%-10s %6s %8s %7s %8s %8s %8s %8s %9s %8s\n", "groups", "drawn", "frames", "per s",
                "median", "p95", "max", ">16 ms", "messages", "repaint");
    bool ok = true;
    for (const bool expanded : {true, false}) {
        w->canvas()->expandAllGroups(expanded);
        runFor(300);
        FrameRun r = animatedRun(*w, o, false);
        // The canvas repaints while messages travel; when it does not, a display-like rate.
        if (r.ok && static_cast<double>(r.frames.size()) < 2 * r.seconds)
            r = animatedRun(*w, o, true);
        const QString mode = expanded ? "expanded" : "collapsed";
        if (!r.ok) {
            report.failed("frames " + mode, r.why);
            ok = false;
            continue;
        }
        const Summary s = summarize(r.frames);
        const std::size_t over = countOver(r.frames, kFrameBarMs);
        const double overFraction =
            s.n ? static_cast<double>(over) / static_cast<double>(s.n) : 0.0;
        std::printf("%-10s %6d %8zu %7.1f %8.1f %8.1f %8.1f %7.1f%% %9d %8s\n",
                    text(mode).constData(), r.drawn, s.n, static_cast<double>(s.n) / r.seconds,
                    s.median, s.p95, s.max, 100 * overFraction, r.maxMessages,
                    r.forced ? "forced" : "own");
        std::fflush(stdout);
        if (expanded && r.drawn < 10000)
            std::printf("  note: only %d nodes drawn with every group expanded\n", r.drawn);
        if (s.n == 0) {
            report.failed("frames " + mode, "no frame was painted");
            ok = false;
            continue;
        }
        const QString what = QStringLiteral("%1 nodes drawn (groups %2), %3 frames in %4 s")
                                 .arg(r.drawn)
                                 .arg(mode)
                                 .arg(s.n)
                                 .arg(r.seconds, 0, 'f', 1);
        report.under(QStringLiteral("frames %1: median").arg(mode), s.median, kFrameBarMs,
                     "canvas paint time per frame; " + what);
        report.under(QStringLiteral("frames %1: p95").arg(mode), s.p95, kFrameBarMs,
                     "95% of frames paint within this");
        report.under(QStringLiteral("frames %1: max").arg(mode), s.max, kFrameBarMs,
                     "the slowest frame");
        report.none(QStringLiteral("frames %1: over 16 ms").arg(mode),
                    QStringLiteral("%1% (%2)").arg(100 * overFraction, 0, 'f', 1).arg(over),
                    over == 0, "the fraction of frames that miss a 60 Hz display's frame");
    }
    std::printf(
        "  (ms; 'own': the canvas repainted by itself while messages travel; 'forced': "
        "repaints every 16 ms; messages: most in flight on the canvas)\n");
    w.reset();
    runFor(100);
    return ok;
}

// --- stall ---------------------------------------------------------------------------------

/// What the window handled during the run, by signal, to name what filled the longest gaps.
struct RunSignals {
    std::vector<std::pair<qint64, const char*>> handled;  // when the window finished with each
    std::shared_ptr<const dais::core::RunReport> result;
    qint64 finishedAt = 0;
};

/// Opens the fast scenario, with fewer rounds when asked, and prints how many it runs.
bool prepareStallRun(MainWindow& w, const Options& o, Report& report) {
    QString why;
    if (!openAndWait(w, QDir(o.scenarios).filePath(kFastScenario), &why)) {
        report.failed("stall", why);
        return false;
    }
    ScenarioDocument* doc = w.document();
    QString rounds = "as in the scenario";
    if (const Json* r = doc->at("/layers/federated/rounds"); r && r->is_number_integer())
        rounds = QString::number(r->get<int>()) + " (as in the scenario)";
    if (o.rounds > 0) {
        doc->set("Fewer rounds", "/layers/federated/rounds", o.rounds);
        rounds = QString::number(o.rounds) + " (set by the bench: --rounds)";
        if (!waitUntil([&] { return doc->valid(); }, 30000, 5)) {
            report.failed("stall", "the scenario with fewer rounds does not validate");
            return false;
        }
        runFor(300);
    }
    std::printf("  federated rounds: %s\n", text(rounds).constData());
    return true;
}

/// Notes each run signal as the window finishes with it: connected after the window's own
/// handlers, each time is when the window was done.
void recordRunSignals(MainWindow& w, const QElapsedTimer& clock, RunSignals& out) {
    RunController* c = w.controller();
    const auto note = [&out, &clock](const char* name) {
        return [&out, &clock, name] { out.handled.emplace_back(clock.nsecsElapsed(), name); };
    };
    QObject::connect(c, &RunController::preparing, &w, note("preparing"));
    QObject::connect(c, &RunController::prepared, &w, note("prepared"));
    QObject::connect(c, &RunController::stateChanged, &w, note("stateChanged"));
    QObject::connect(c, &RunController::snapshot, &w, note("snapshot"));
    QObject::connect(c, &RunController::metrics, &w, note("metrics"));
    QObject::connect(c, &RunController::traces, &w, note("traces"));
    QObject::connect(c, &RunController::activity, &w, note("activity"));
    QObject::connect(c, &RunController::finished, &w,
                     [&out, &clock](std::shared_ptr<const dais::core::RunReport> r) {
                         out.finishedAt = clock.nsecsElapsed();
                         out.handled.emplace_back(out.finishedAt, "finished");
                         out.result = std::move(r);
                     });
}

/// The longest gaps, with the run signals the window handled and the slowest events inside
/// each.
void printLongestGaps(const std::vector<EventLoopGapProbe::Gap>& gaps, const RunSignals& run,
                      qint64 started) {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < gaps.size(); ++i)
        order.push_back(i);
    const std::size_t top = std::min<std::size_t>(5, order.size());
    std::partial_sort(
        order.begin(), order.begin() + static_cast<std::ptrdiff_t>(top), order.end(),
        [&](std::size_t a, std::size_t b) { return gaps[a].length > gaps[b].length; });
    for (std::size_t k = 0; k < top; ++k) {
        const EventLoopGapProbe::Gap& gap = gaps[order[k]];
        const qint64 end = gap.end;
        const qint64 begin = end - gap.length;
        std::map<std::string, int> inside;
        for (const auto& [at, name] : run.handled)
            if (at > begin && at <= end) ++inside[name];
        QString names;
        for (const auto& [name, count] : inside)
            names += QStringLiteral(" %1%2").arg(
                QString::fromStdString(name),
                count > 1 ? QStringLiteral(" x%1").arg(count) : QString());
        std::printf(
            "  gap %.1f ms (GUI thread on CPU %.1f ms) at %.2f s into the run; run "
            "signals handled in it:%s\n",
            static_cast<double>(gap.length) * 1e-6, static_cast<double>(gap.sampled) * 1e-6,
            static_cast<double>(begin - started) * 1e-9,
            names.isEmpty() ? " none" : text(names).constData());
        // The slowest events inside the gap (an outer event's time includes the inner ones).
        std::vector<const SlowEvent*> slow;
        for (const SlowEvent& e : benchApp()->slowEvents())
            if (e.end > begin && e.end <= end) slow.push_back(&e);
        std::sort(slow.begin(), slow.end(),
                  [](const SlowEvent* a, const SlowEvent* b) { return a->ms > b->ms; });
        for (std::size_t k2 = 0; k2 < std::min<std::size_t>(3, slow.size()); ++k2)
            std::printf("      %6.1f ms (CPU %5.1f)  %s%s\n", slow[k2]->ms, slow[k2]->cpuMs,
                        text(slow[k2]->what).constData(),
                        slow[k2]->depth > 0 ? " (inside another event)" : "");
    }
    std::fflush(stdout);
}

/// The run and the GUI thread's gaps, printed and as figures.
void reportStall(const QString& measure, const QString& what,
                 const std::vector<EventLoopGapProbe::Gap>& probed, const RunSignals& run,
                 qint64 started, Report& report) {
    std::vector<double> gaps, gapCpu;  // ms; of the GUI thread's CPU in each gap
    for (const EventLoopGapProbe::Gap& g : probed) {
        gaps.push_back(static_cast<double>(g.length) * 1e-6);
        gapCpu.push_back(static_cast<double>(g.sampled) * 1e-6);
    }
    const dais::core::RunReport& result = *run.result;
    const double wall = static_cast<double>(run.finishedAt - started) * 1e-9;
    const Summary s = summarize(gaps);
    const std::size_t over = countOver(gaps, kStallBarMs);
    std::printf(
        "  run: %s, %llu events, %.2f s wall from startRun to finished (event loop %.2f "
        "s), %.0f events/s\n",
        std::string(dais::core::runStatusName(result.status)).c_str(),
        static_cast<unsigned long long>(result.events), wall, result.wallSeconds,
        wall > 0 ? static_cast<double>(result.events) / wall : 0.0);
    std::printf(
        "  GUI thread: %zu gaps, median %.2f ms, p99 %.2f ms, longest %.1f ms, %zu over "
        "%.0f ms, %zu over 16 ms\n",
        s.n, s.median, s.p99, s.max, over, kStallBarMs, countOver(gaps, kFrameBarMs));
    printLongestGaps(probed, run, started);
    const QString m = measure + ": ";
    report.under(m + "longest gap", s.max, kStallBarMs,
                 "the longest the GUI thread did not turn its event loop; " + what);
    report.under(m + "p99 gap", s.p99, kStallBarMs, "99% of the 1 ms timer's gaps are within this");
    report.none(m + "gaps over 50 ms", QString::number(over), over == 0,
                "how often the GUI froze long enough to notice");
    const double busiest = gapCpu.empty() ? 0.0 : *std::max_element(gapCpu.begin(), gapCpu.end());
    report.info(m + "most CPU in one gap", QStringLiteral("%1 ms").arg(busiest, 0, 'f', 1),
                "the GUI thread's own work in its busiest gap; a long gap with little CPU was "
                "the machine's load");
    report.info(
        m + "run events", QString::number(result.events),
        QStringLiteral("events of that run (%1)")
            .arg(QString::fromStdString(std::string(dais::core::runStatusName(result.status)))));
    report.info(m + "run wall time", QStringLiteral("%1 s").arg(wall, 0, 'f', 2),
                "startRun until the run's finished signal, with the GUI live");
}

/// Runs the scenario open in `w` fast, with a 1 ms timer on the GUI thread, and reports the
/// gaps between its firings under `measure`.
bool measureGaps(MainWindow& w, const QString& measure, const QString& what, Report& report) {
    const QElapsedTimer& clock = benchApp()->clock();
    benchApp()->slowEvents().clear();
    RunSignals run;
    recordRunSignals(w, clock, run);
    // The CPU the GUI thread used in each gap tells its own work from the machine's load.
    EventLoopGapProbe probe(clock, 1, -1, threadCpuNs);
    probe.timer().setObjectName("bench.ticker");
    probe.reserve(1 << 18);
    probe.start();
    const qint64 started = clock.nsecsElapsed();
    w.startRun(true);
    const bool done = waitUntil([&] { return run.result != nullptr; }, 1800 * 1000, 20);
    probe.stop();
    if (!done) {
        report.failed(measure, "the fast run did not finish within 30 min");
        return false;
    }
    reportStall(measure, what, probe.gaps(), run, started, report);
    return true;
}

bool measureStall(const Options& o, Report& report) {
    std::printf(
        "\n== stall: gaps between the firings of a 1 ms timer on the GUI thread during "
        "a fast run of %s\n",
        kFastScenario);
    auto w = showWindow();
    if (!prepareStallRun(*w, o, report)) return false;
    const QString what = QStringLiteral("fast run of %1, %2 rounds")
                             .arg(kFastScenario)
                             .arg(o.rounds > 0 ? QString::number(o.rounds) : QStringLiteral("all"));
    const bool ok = measureGaps(*w, "stall", what, report);
    w.reset();
    runFor(100);
    return ok;
}

/// The same while a run sends hundreds of thousands of messages, with the sequence chart
/// following them and the inspector showing the layer's table, both on screen.
bool measureMessages(const Options& o, Report& report) {
    std::printf(
        "\n== messages: gaps of the GUI thread during a fast run of %s (more than 100,000 "
        "messages), the sequence chart and the inspector shown\n",
        kMessagesScenario);
    auto w = showWindow();
    QString why;
    if (!openAndWait(*w, QDir(o.scenarios).filePath(kMessagesScenario), &why)) {
        report.failed("messages", why);
        return false;
    }
    // The sequence chart and the inspector side by side, both on screen.
    w->showPanel("sequence-chart");
    w->showPanel("inspector");
    auto* chartDock = w->findChild<QDockWidget*>("sequenceChartDock");
    auto* inspectorDock = w->findChild<QDockWidget*>("inspectorDock");
    if (chartDock && inspectorDock) w->splitDockWidget(chartDock, inspectorDock, Qt::Horizontal);
    runFor(200);
    const bool ok = measureGaps(
        *w, "messages",
        QStringLiteral("fast run of %1, sequence chart and inspector shown").arg(kMessagesScenario),
        report);
    if (ok) {
        const MessageLog* log = w->findChild<MessageLog*>();
        std::printf("  messages recorded: %zu (%llu more not recorded)\n",
                    log ? log->records().size() : 0,
                    static_cast<unsigned long long>(log ? log->dropped() : 0));
        report.info("messages: recorded", QString::number(log ? log->records().size() : 0),
                    "messages the sequence chart could draw (the first million of the run)");
    }
    w.reset();
    runFor(100);
    return ok;
}

/// What to measure, and how.
struct Request {
    Options options;
    QStringList measures;
};

/// The request on the command line; nullopt (after saying why) when it names an unknown
/// measure or a folder without the scenarios.
std::optional<Request> parseCommandLine(QApplication& app) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Measures how responsive dais-studio is, in the real GUI (any Qt platform: offscreen, "
        "or an X display such as Xvfb), and prints the figures against the bars: no stall of "
        "the GUI thread over 50 ms, canvas frames under 16 ms.\n\n"
        "Measures (all of them when none is named):\n"
        "  open    wall time to open regional-outage-10k in a fresh window until the canvas has "
        "painted it (min and median of the repetitions, with its phases)\n"
        "  frames  canvas frame times with 10,000 nodes drawn (groups expanded) during an "
        "animated run of regional-outage-10k, then with groups collapsed\n"
        "  stall   the longest gap between the firings of a 1 ms timer on the GUI thread during "
        "a fast run of phones, until the run finishes\n"
        "  messages  the same during a fast run of gossip-epidemic, which sends about a million "
        "messages, with the sequence chart and the inspector shown\n\n"
        "Runs go to a temporary run store and window settings to a temporary folder.");
    parser.addHelpOption();
    parser.addPositionalArgument(
        "measure", "open, frames, stall or messages (repeatable; default: all)", "[measure...]");
    const QCommandLineOption scenariosOption(
        "scenarios", "The folder of the bundled scenarios (default: the source tree's).", "dir",
        QStringLiteral(DAIS_STUDIO_BENCH_SCENARIOS));
    const QCommandLineOption repeatOption(
        "repeat", "How many fresh windows open the scenario (default 3).", "n", "3");
    const QCommandLineOption secondsOption(
        "seconds", "Wall seconds of animation measured per canvas mode (default 10).", "s", "10");
    const QCommandLineOption speedOption(
        "speed",
        "The speed slider's value for the animated run: v means 10^(v/4)x (default 4: 10x).", "v",
        "4");
    const QCommandLineOption roundsOption(
        "rounds", "Federated rounds of the phones run (default 0: as in the scenario).", "n", "0");
    parser.addOptions({scenariosOption, repeatOption, secondsOption, speedOption, roundsOption});
    parser.process(app);

    Request r;
    Options& o = r.options;
    o.scenarios = parser.value(scenariosOption);
    o.repetitions = std::max(1, parser.value(repeatOption).toInt());
    o.seconds = std::max(1.0, parser.value(secondsOption).toDouble());
    o.speedSlider = std::clamp(parser.value(speedOption).toInt(), -4, 12);
    o.rounds = std::max(0, parser.value(roundsOption).toInt());
    r.measures = parser.positionalArguments();
    const QStringList known = {"open", "frames", "stall", "messages"};
    if (r.measures.isEmpty()) r.measures = known;
    for (const QString& m : r.measures)
        if (!known.contains(m)) {
            std::fprintf(stderr, "dais-studio-bench: unknown measure '%s' (%s)\n",
                         text(m).constData(), text(known.join(", ")).constData());
            return std::nullopt;
        }
    for (const char* file : {kLargeScenario, kFastScenario, kMessagesScenario})
        if (!QFileInfo::exists(QDir(o.scenarios).filePath(file))) {
            std::fprintf(stderr, "dais-studio-bench: %s not found in %s (--scenarios)\n", file,
                         text(o.scenarios).constData());
            return std::nullopt;
        }
    return r;
}

/// Where the figures come from: Qt, the platform, the screen, the CPUs and the machine's load.
void printSetting(const Options& o) {
    const QScreen* screen = QGuiApplication::primaryScreen();
    std::printf("dais-studio-bench: Qt %s, platform %s, screen %dx%d, %d CPUs, window 1400x880\n",
                qVersion(), text(QGuiApplication::platformName()).constData(),
                screen ? screen->size().width() : 0, screen ? screen->size().height() : 0,
                QThread::idealThreadCount());
    std::printf("scenarios: %s\n", text(QDir(o.scenarios).absolutePath()).constData());
    // Figures of a shared machine vary with its load: say what it was.
    if (QFile load("/proc/loadavg"); load.open(QIODevice::ReadOnly))
        std::printf("load average: %s\n",
                    load.readAll().split(' ').mid(0, 3).join(' ').constData());
    if (QApplication::font().family().isEmpty())
        std::printf("warning: no font found: text is not drawn and figures are optimistic\n");
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    // Qt's runtime files in a private folder when the environment names none.
    QTemporaryDir runtime;
    if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR") && runtime.isValid()) {
        QFile::setPermissions(runtime.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                  QFileDevice::ExeOwner);
        qputenv("XDG_RUNTIME_DIR", runtime.path().toUtf8());
    }
    // The offscreen platform warns that it cannot size windows by their hints: harmless noise.
    qInstallMessageHandler([](QtMsgType type, const QMessageLogContext& context,
                              const QString& message) {
        if (message.contains(QLatin1String("propagateSizeHints"))) return;
        std::fprintf(stderr, "%s\n", text(qFormatLogMessage(type, context, message)).constData());
    });
    BenchApplication app(argc, argv);
    QApplication::setApplicationName("dais-studio-bench");
    QApplication::setOrganizationName("dais");

    const auto request = parseCommandLine(app);
    if (!request) return 2;
    const Options& o = request->options;
    const QStringList& measures = request->measures;

    // Runs and settings kept away from the user's, and gone afterwards.
    QTemporaryDir tmp;
    if (!tmp.isValid()) {
        std::fprintf(stderr, "dais-studio-bench: cannot make a temporary folder\n");
        return 1;
    }
    qputenv("DAIS_STORE", tmp.filePath("runs.sqlite").toUtf8());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, tmp.filePath("config"));
    printSetting(o);

    DialogWatch dialogs;
    Report report;
    if (measures.contains("open")) measureOpen(o, report);
    if (measures.contains("frames")) measureFrames(o, report);
    if (measures.contains("stall")) measureStall(o, report);
    if (measures.contains("messages")) measureMessages(o, report);
    report.print();
    if (!dialogs.messages().isEmpty())
        std::printf("dialogs dismissed during the measures: %lld\n",
                    static_cast<long long>(dialogs.messages().size()));
    std::fflush(stdout);
    return report.failures() ? 1 : 0;
}
