// dais-studio: the desktop studio. `dais-studio [SCENARIO]` opens the studio on a scenario.
// Without a display (no X11 or Wayland, and no Qt platform chosen) it runs the scenario
// headless through the `dais` tool installed beside it: a printed summary and a stored run.

#include <QApplication>
#include <QCommandLineParser>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <unistd.h>

#include "ui/main_window.h"

namespace {

bool haveDisplay() {
    for (const char* v : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        if (const char* s = std::getenv(v); s && *s) return true;
    return false;
}

/// Replaces this process with `dais run SCENARIO`, from the folder of this program.
int runHeadless(const char* self, const std::string& scenario) {
    std::string dir = self;
    const std::size_t slash = dir.rfind('/');
    dir = slash == std::string::npos ? "." : dir.substr(0, slash);
    const std::string dais = dir + "/dais";
    std::fprintf(stderr, "dais-studio: no display; running %s headless.\n", scenario.c_str());
    std::vector<char*> args = {const_cast<char*>(dais.c_str()), const_cast<char*>("run"),
                               const_cast<char*>(scenario.c_str()), nullptr};
    execv(dais.c_str(), args.data());
    std::fprintf(stderr, "dais-studio: cannot start %s: %s\n", dais.c_str(), std::strerror(errno));
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (!haveDisplay()) {
        if (argc >= 2 && argv[1][0] != '-') return runHeadless(argv[0], argv[1]);
        std::fprintf(stderr,
                     "dais-studio: no display. Give a scenario to run it headless, or use "
                     "`dais run SCENARIO`.\n");
        return 2;
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName("dais-studio");
    QApplication::setOrganizationName("dais");
    QApplication::setApplicationDisplayName("DAIS Studio");
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "DAIS Studio: design, simulate and compare decentralized-AI networks.");
    parser.addHelpOption();
    parser.addPositionalArgument("scenario", "A scenario file to open.");
    parser.process(app);

    dais::studio::MainWindow window;
    window.show();
    const QStringList files = parser.positionalArguments();
    if (!files.isEmpty() && !window.openFile(files.front())) return 3;
    return QApplication::exec();
}
