// dais-studio: the desktop studio. `dais-studio [SCENARIO]` opens the studio on a scenario (the
// library's default scenario when none is given). Without a display (no X11 or Wayland, and no
// Qt platform chosen) it runs the scenario headless through the `dais` tool installed beside
// it: a printed summary and a stored run (the arguments after the scenario go to `dais run`).

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QIcon>
#include <QTabWidget>
#include <QTimer>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <unistd.h>

#include "history/compare_view.h"
#include "run/run_controller.h"
#include "ui/main_window.h"
#include "ui/scenario_library.h"

namespace {

bool haveDisplay() {
    for (const char* v : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        if (const char* s = std::getenv(v); s && *s) return true;
    return false;
}

/// The folder of this program, whichever way it was started (a path, or a name found on PATH).
std::string programFolder(const char* argv0) {
    std::string self(4096, '\0');
    const ssize_t n = readlink("/proc/self/exe", self.data(), self.size() - 1);
    if (n > 0)
        self.resize(static_cast<std::size_t>(n));
    else
        self = argv0;
    const std::size_t slash = self.rfind('/');
    return slash == std::string::npos ? "." : self.substr(0, slash);
}

/// Replaces this process with `dais run SCENARIO [MORE...]`, from the folder of this program.
int runHeadless(const char* argv0, const std::string& scenario, char** more = nullptr) {
    const std::string dais = programFolder(argv0) + "/dais";
    std::fprintf(stderr, "dais-studio: no display; running %s headless.\n", scenario.c_str());
    std::vector<char*> args = {const_cast<char*>(dais.c_str()), const_cast<char*>("run"),
                               const_cast<char*>(scenario.c_str())};
    for (char** a = more; a && *a; ++a)
        args.push_back(*a);
    args.push_back(nullptr);
    execv(dais.c_str(), args.data());
    std::fprintf(stderr, "dais-studio: cannot start %s: %s\n", dais.c_str(), std::strerror(errno));
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (!haveDisplay()) {
        // The arguments after the scenario are options of `dais run` (--until, --seed, --set...).
        if (argc >= 2 && argv[1][0] != '-') return runHeadless(argv[0], argv[1], argv + 2);
        if (argc == 1) {
            const QString scenario =
                dais::studio::defaultScenarioPath(QString::fromStdString(programFolder(argv[0])));
            if (!scenario.isEmpty()) return runHeadless(argv[0], scenario.toStdString());
        }
        std::fprintf(stderr,
                     "dais-studio: no display. Give a scenario to run it headless, or use "
                     "`dais run SCENARIO`.\n");
        return 2;
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName("dais-studio");
    QApplication::setOrganizationName("dais");
    QApplication::setApplicationDisplayName("DAIS Studio");
    QApplication::setDesktopFileName("io.dais.Studio");
    QApplication::setWindowIcon(QIcon(":/studio/io.dais.Studio.svg"));
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "DAIS Studio: design, simulate and compare decentralized-AI networks.");
    parser.addHelpOption();
    parser.addPositionalArgument("scenario",
                                 "A scenario file to open (default: the library's default "
                                 "scenario).");
    const QCommandLineOption run("run", "Start running the scenario, animated, once it is open.");
    const QCommandLineOption fast("fast", "Start running the scenario as fast as possible.");
    const QCommandLineOption compare("compare",
                                     "Compare stored runs (comma-separated ids) in a tab.", "ids");
    const QCommandLineOption metric("metric", "The metric a comparison shows.", "name");
    const QCommandLineOption screenshot(
        "screenshot", "Write an image of the window to FILE after --after seconds, and quit.",
        "file");
    const QCommandLineOption after("after", "Seconds to wait before the screenshot (default 3).",
                                   "seconds", "3");
    const QCommandLineOption size("size", "Window size for the screenshot, WIDTHxHEIGHT.", "size",
                                  "1600x1000");
    const QCommandLineOption panel(
        "show",
        "Show and raise a panel: " + dais::studio::MainWindow::panelNames().join(", ") + ".",
        "panel");
    parser.addOptions({run, fast, compare, metric, screenshot, after, size, panel});
    parser.process(app);

    bool ok = true;
    const double wait = parser.value(after).toDouble(&ok);
    if (!ok || wait < 0) {
        std::fprintf(stderr, "dais-studio: --after wants a number of seconds, not \"%s\".\n",
                     qPrintable(parser.value(after)));
        return 2;
    }
    QList<qint64> compareIds;
    if (parser.isSet(compare))
        for (const QString& id : parser.value(compare).split(',', Qt::SkipEmptyParts)) {
            const qint64 v = id.trimmed().toLongLong(&ok);
            if (!ok || v <= 0) {
                std::fprintf(stderr, "dais-studio: --compare wants run ids like 3,4, not \"%s\".\n",
                             qPrintable(parser.value(compare)));
                return 2;
            }
            compareIds << v;
        }

    dais::studio::MainWindow window;
    if (parser.isSet(screenshot)) {
        const QStringList wh = parser.value(size).split('x');
        const int w = wh.size() == 2 ? wh[0].toInt() : 0, h = wh.size() == 2 ? wh[1].toInt() : 0;
        if (w < 400 || h < 300) {
            std::fprintf(stderr, "dais-studio: --size wants WIDTHxHEIGHT (at least 400x300).\n");
            return 2;
        }
        window.resize(w, h);
    }
    window.show();
    QStringList files = parser.positionalArguments();
    if (files.isEmpty())
        if (const QString fallback = dais::studio::defaultScenarioPath(); !fallback.isEmpty())
            files << fallback;
    if (!files.isEmpty() && !window.openFile(files.front())) return 3;
    if (parser.isSet(panel) && !window.showPanel(parser.value(panel))) {
        std::fprintf(stderr, "dais-studio: --show wants one of %s, not \"%s\".\n",
                     qPrintable(dais::studio::MainWindow::panelNames().join(", ")),
                     qPrintable(parser.value(panel)));
        return 2;
    }
    if (!compareIds.isEmpty()) {
        dais::studio::CompareView* view = window.compareRuns(compareIds);
        if (view && parser.isSet(metric)) view->setMetric(parser.value(metric));
    }
    if (parser.isSet(run) || parser.isSet(fast))
        QTimer::singleShot(0, &window,
                           [&window, &parser, &fast] { window.startRun(parser.isSet(fast)); });
    if (parser.isSet(screenshot)) {
        const QString file = QDir::current().absoluteFilePath(parser.value(screenshot));
        QTimer::singleShot(static_cast<int>(wait * 1000), &window, [&window, file] {
            window.controller()->pause();
            const bool saved = window.grab().save(file);
            std::fprintf(stderr,
                         saved ? "dais-studio: wrote %s\n" : "dais-studio: cannot write %s\n",
                         qPrintable(file));
            QApplication::exit(saved ? 0 : 1);
        });
    }
    return QApplication::exec();
}
