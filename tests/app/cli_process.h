#pragma once
// Running a program of the project as a user would, for the command-line suites.

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QtTest>

namespace cli_test {

/// What a finished process left: its exit code and everything it printed.
struct Outcome {
    int code = -1;
    QString out, err;
};

/// Runs `program` to the end. A crash is never an acceptable answer, so it fails the suite.
inline Outcome runProgram(const QString& program, const QStringList& args) {
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(120'000)) qFatal("%s did not finish", qPrintable(program));
    if (p.exitStatus() != QProcess::NormalExit)
        qFatal("%s crashed: %s", qPrintable(program), qPrintable(args.join(' ')));
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

/// Runs the dais command line.
inline Outcome dais(const QStringList& args) {
    return runProgram(DAIS_EXE, args);
}

/// A bundled scenario's path.
inline QString scenario(const char* file) {
    return QString(DAIS_SOURCE_DIR) + "/scenarios/" + file;
}

}  // namespace cli_test
