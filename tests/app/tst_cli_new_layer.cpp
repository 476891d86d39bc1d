// dais new-layer: a new layer made from the layer template. The build makes the same template
// into the layer "scaffolded" and builds its plugin and its own test suite (tests/plugins); here
// the command must write exactly those files, add the layer to the build, refuse what it cannot
// do without writing anything, and the built plugin must be listed, validated and run.
#include <QDir>
#include <QDirIterator>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTemporaryDir>

#include "cli_process.h"

using namespace cli_test;

namespace {

QByteArray readAll(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}

/// Every file under `root`, as paths relative to it, sorted.
QStringList filesUnder(const QString& root) {
    QStringList out;
    QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        out << QDir(root).relativeFilePath(it.next());
    out.sort();
    return out;
}

/// A source tree with the two CMakeLists.txt the command adds the layer to.
void makeTree(const QString& root) {
    QDir().mkpath(root + "/plugins");
    QDir().mkpath(root + "/tests/plugins");
    writeAll(root + "/plugins/CMakeLists.txt", "add_subdirectory(gossip)\n");
    writeAll(root + "/tests/plugins/CMakeLists.txt", "add_subdirectory(gossip)");
}

Outcome daisWithScaffold(const QStringList& args) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("DAIS_PLUGIN_PATH", DAIS_SCAFFOLD_PLUGIN_DIR);
    return runProgram(DAIS_EXE, args, env);
}

}  // namespace

class TestCliNewLayer : public QObject {
    Q_OBJECT

  private slots:
    void writesTheFilesThatBuild() {
        QTemporaryDir tmp;
        makeTree(tmp.path());
        const Outcome o =
            dais({"new-layer", "scaffolded", "--name", "Scaffolded", "--root", tmp.path()});
        QVERIFY2(o.code == 0, qPrintable(o.err));
        QVERIFY2(o.out.contains("made layer scaffolded (\"Scaffolded\")"), qPrintable(o.out));

        // The same files, byte for byte, as the ones the build made and compiled.
        const QString built = DAIS_SCAFFOLD_ROOT;
        QStringList made = filesUnder(tmp.path());
        made.removeAll("plugins/CMakeLists.txt");
        made.removeAll("tests/plugins/CMakeLists.txt");
        QCOMPARE(made, filesUnder(built));
        QVERIFY(made.contains("plugins/scaffolded/src/scaffolded.cpp"));
        QVERIFY(made.contains("tests/plugins/scaffolded/tst_scaffolded.cpp"));
        for (const QString& f : made)
            QVERIFY2(readAll(tmp.path() + "/" + f) == readAll(built + "/" + f), qPrintable(f));

        // Added to the build once, after what was there (a missing final newline mended).
        QCOMPARE(readAll(tmp.path() + "/plugins/CMakeLists.txt"),
                 QByteArray("add_subdirectory(gossip)\nadd_subdirectory(scaffolded)\n"));
        QCOMPARE(readAll(tmp.path() + "/tests/plugins/CMakeLists.txt"),
                 QByteArray("add_subdirectory(gossip)\nadd_subdirectory(scaffolded)\n"));
    }

    void theNameDefaultsFromTheId() {
        QTemporaryDir tmp;
        makeTree(tmp.path());
        const Outcome o = dais({"new-layer", "compute_market", "--root", tmp.path()});
        QVERIFY2(o.code == 0, qPrintable(o.err));
        const QByteArray cpp =
            readAll(tmp.path() + "/plugins/compute_market/src/compute_market.cpp");
        QVERIFY(cpp.contains("Definition d(\"compute_market\", \"Compute market\", \"0.1.0\");"));
        QVERIFY(cpp.contains("namespace dais::layers::compute_market {"));
        QVERIFY(!cpp.contains("@LAYER"));
    }

    void refusesWithoutWriting_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("no id") << QStringList{} << 2 << "new-layer: which id?";
        QTest::newRow("upper case")
            << QStringList{"Market"} << 2 << "new-layer: \"Market\" cannot be a layer id";
        QTest::newRow("dash") << QStringList{"my-layer"} << 2
                              << "new-layer: \"my-layer\" cannot be a layer id";
        QTest::newRow("keyword") << QStringList{"class"} << 2
                                 << "new-layer: \"class\" cannot be a layer id";
        QTest::newRow("two ids") << QStringList{"a", "b"} << 2
                                 << "new-layer: one layer at a time (got \"a\" and \"b\")";
        QTest::newRow("quote in name") << QStringList{"market", "--name", "My \"market\""} << 2
                                       << "new-layer: --name may not hold quotes";
        QTest::newRow("unknown option")
            << QStringList{"market", "--force"} << 2 << "new-layer: unknown option \"--force\"";
        QTest::newRow("exists") << QStringList{"gossip"} << 3 << "/plugins/gossip exists already";
    }
    void refusesWithoutWriting() {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        QTemporaryDir tmp;
        makeTree(tmp.path());
        QDir().mkpath(tmp.path() + "/plugins/gossip");
        const QStringList before = filesUnder(tmp.path());
        const Outcome o = dais(QStringList{"new-layer"} + args + QStringList{"--root", tmp.path()});
        QCOMPARE(o.code, code);
        QVERIFY2(o.err.contains(message), qPrintable(o.err));
        QCOMPARE(filesUnder(tmp.path()), before);
        QCOMPARE(readAll(tmp.path() + "/plugins/CMakeLists.txt"),
                 QByteArray("add_subdirectory(gossip)\n"));
    }

    void refusesAFolderThatIsNotASourceTree() {
        QTemporaryDir tmp;
        const Outcome o = dais({"new-layer", "market", "--root", tmp.path()});
        QCOMPARE(o.code, 3);
        QVERIFY2(o.err.contains("plugins is not a folder: run it in the DAIS source tree"),
                 qPrintable(o.err));
        QCOMPARE(filesUnder(tmp.path()), QStringList{});
    }

    void theBuiltLayerIsListedValidatedAndRun() {
        const Outcome layers = daisWithScaffold({"layers"});
        QVERIFY2(layers.code == 0, qPrintable(layers.err));
        QVERIFY2(layers.out.contains("scaffolded   0.1.0    Scaffolded"), qPrintable(layers.out));

        const QString example =
            QString(DAIS_SCAFFOLD_ROOT) + "/plugins/scaffolded/scaffolded-example.dais.json";
        const Outcome valid = daisWithScaffold({"validate", example});
        QVERIFY2(valid.code == 0, qPrintable(valid.err));

        const Outcome bad =
            daisWithScaffold({"validate", example, "--set", "layers.scaffolded.period=0s"});
        QCOMPARE(bad.code, 3);
        QVERIFY2(bad.err.contains("/layers/scaffolded/period"), qPrintable(bad.err));

        const Outcome run = daisWithScaffold({"run", example, "--no-store"});
        QVERIFY2(run.code == 0, qPrintable(run.err));
        // Four peers send ten messages each over a ring that loses nothing.
        QVERIFY2(run.out.contains(QRegularExpression("scaffolded\\.sent +40 messages")),
                 qPrintable(run.out));
        QVERIFY2(run.out.contains(QRegularExpression("scaffolded\\.delivered +40 messages")),
                 qPrintable(run.out));
        QVERIFY2(run.out.contains(QRegularExpression("scaffolded\\.lost +0 messages")),
                 qPrintable(run.out));
    }
};

QTEST_GUILESS_MAIN(TestCliNewLayer)
#include "tst_cli_new_layer.moc"
