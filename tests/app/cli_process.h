#pragma once
// Running a program of the project as a user would, for the command-line suites.

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
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
inline Outcome runProgram(
    const QString& program, const QStringList& args,
    const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    if (!p.waitForFinished(120'000)) qFatal("%s did not finish", qPrintable(program));
    if (p.exitStatus() != QProcess::NormalExit)
        qFatal("%s crashed: %s", qPrintable(program), qPrintable(args.join(' ')));
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

/// The environment for processes started by mpirun. Under AddressSanitizer, leaks are traced with
/// the slow unwinder: Open MPI's components have no frame pointers, and only complete stacks
/// reach the suppressions for Open MPI's own allocations (tests/sanitizers/lsan.supp).
inline QProcessEnvironment mpiEnvironment() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (env.contains("ASAN_OPTIONS"))
        env.insert("ASAN_OPTIONS", env.value("ASAN_OPTIONS") + ":fast_unwind_on_malloc=0");
    return env;
}

/// Runs the dais command line.
inline Outcome dais(const QStringList& args) {
    return runProgram(DAIS_EXE, args);
}

/// Writes `bytes` to `path`, replacing what was there. Fails the suite if it cannot.
inline void writeAll(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    f.write(bytes);
}

/// A bundled scenario's path.
inline QString scenario(const char* file) {
    return QString(DAIS_SOURCE_DIR) + "/scenarios/" + file;
}

/// What a command printed as JSON, as an object; a test that gets anything else stops.
inline QJsonObject jsonOf(const Outcome& o) {
    QJsonParseError e;
    const QJsonDocument d = QJsonDocument::fromJson(o.out.toUtf8(), &e);
    if (e.error != QJsonParseError::NoError) qFatal("not JSON: %s", qPrintable(o.out));
    return d.object();
}

/// The id in "stored as run N in PATH" that `dais run` prints.
inline QString storedRun(const Outcome& o) {
    const auto m = QRegularExpression("stored as run (\\d+) in").match(o.out + o.err);
    if (!m.hasMatch()) qFatal("no run stored: %s%s", qPrintable(o.out), qPrintable(o.err));
    return m.captured(1);
}

}  // namespace cli_test
