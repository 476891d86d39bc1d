// dais: validate, run and benchmark scenarios from the command line. The commands live in
// their own files (commands.h); this one reads the command's name and hands over.
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "cli.h"
#include "commands.h"
#include "dais/core/version.h"

namespace dais::app {
namespace {

constexpr const char* kMainHelp = R"(dais - design, simulate and measure decentralized-AI networks

usage: dais COMMAND [ARGS...]

commands:
  validate FILE      check a scenario file and report every problem in it
  run FILE           run a scenario and print a summary
  sweep FILE         run a scenario's experiments: many runs, a summary per point
  layers [ID]        list the installed layers, or show one's parameters and metrics
  runs COMMAND       list, show, compare, export, annotate or delete stored runs
  new-layer ID       make a new layer from the layer template, ready to build
  bench phold        measure the simulation kernel on the PHOLD benchmark
  help [COMMAND]     show help for a command

options:
  --help             show this help
  --version          print the version

exit codes:
  0  success
  1  the work failed (a run error, an I/O error)
  2  the command line is wrong
  3  an input file is missing, unreadable or invalid
  130  stopped by Ctrl-C or SIGTERM (what ran so far is reported)
)";

int dispatch(const std::string& command, Args& args) {
    if (command == "validate") return commandValidate(args);
    if (command == "run") return commandRun(args);
    if (command == "bench") return commandBench(args);
    if (command == "layers") return commandLayers(args);
    if (command == "runs") return commandRuns(args);
    if (command == "sweep") return commandSweep(args);
    if (command == "new-layer") return commandNewLayer(args);
    printError("unknown command \"" + command +
               "\" (commands: validate, run, sweep, layers, runs, new-layer, bench, help)");
    return kExitUsage;
}

}  // namespace
}  // namespace dais::app

int main(int argc, char** argv) {
    using namespace dais::app;
    std::vector<std::string> words(argv + 1, argv + argc);
    if (words.empty() || words[0] == "--help" || words[0] == "-h") {
        std::fputs(kMainHelp, stdout);
        return words.empty() ? kExitUsage : kExitOk;
    }
    if (words[0] == "--version") {
        std::printf("dais %s\n", std::string(dais::core::versionString()).c_str());
        return kExitOk;
    }
    if (words[0] == "help") {
        if (words.size() < 2) return std::fputs(kMainHelp, stdout), kExitOk;
        const std::string& c = words[1];
        if (c == "validate") return std::fputs(kValidateHelp, stdout), kExitOk;
        if (c == "run") return std::fputs(kRunHelp, stdout), kExitOk;
        if (c == "bench") return std::fputs(kBenchHelp, stdout), kExitOk;
        if (c == "layers") return std::fputs(kLayersHelp, stdout), kExitOk;
        if (c == "runs") return std::fputs(kRunsHelp, stdout), kExitOk;
        if (c == "sweep") return std::fputs(kSweepHelp, stdout), kExitOk;
        if (c == "new-layer") return std::fputs(kNewLayerHelp, stdout), kExitOk;
        printError("help: unknown command \"" + c + "\"");
        return kExitUsage;
    }
    const std::string command = words[0];
    Args args(std::vector<std::string>(words.begin() + 1, words.end()));
    try {
        return dispatch(command, args);
    } catch (const std::bad_alloc&) {
        // Runs and their set-up report running out of memory themselves; this is what is left.
        printError("out of memory while running \"dais " + command + "\"");
        return kExitFailure;
    } catch (const std::exception& e) {
        // Only a defect gets here; say so plainly rather than abort with a core dump.
        printError(std::string("internal error: ") + e.what());
        return kExitFailure;
    }
}
