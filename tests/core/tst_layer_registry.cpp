// Loading layer plugins: a good plugin, a wrong API version, a library without the entry point,
// one that cannot be loaded, one whose registration throws, one with an invalid descriptor,
// and files that are not libraries at all. Every failure names the file and the reason, and
// the good layers still load.
#include <QtTest>

#include "dais/core/layer_registry.h"
#include "dais/core/plugin.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"

using namespace dais;

class TestLayerRegistry : public QObject {
    Q_OBJECT

  private:
    static std::string plugin(const char* name) {
        return std::string(DAIS_TEST_PLUGIN_DIR) + "/" + name + ".so";
    }
    static QString reportOf(core::LayerRegistry& r, const std::string& file) {
        const core::LayerRegistry::LoadReport rep = r.loadPlugin(file);
        return QString(rep.ok ? "ok: " : "failed: ") + QString::fromStdString(rep.message);
    }

  private slots:
    void goodPluginLoadsAndRuns() {
        core::LayerRegistry r;
        const auto rep = r.loadPlugin(plugin("good"));
        QVERIFY2(rep.ok, rep.message.c_str());
        QCOMPARE(QString::fromStdString(rep.message), "plugin idle 2.1.0");
        QCOMPARE(rep.layers, std::vector<std::string>{"idle"});
        QCOMPARE(QString::fromStdString(r.originOf("idle")),
                 QString::fromStdString(plugin("good")));
        const core::LayerFactory* f = r.find("idle");
        QVERIFY(f != nullptr);
        QCOMPARE(QString::fromStdString(f->descriptor.params[0].help), "How idle.");

        const std::string text = R"({"format": "dais-scenario", "version": 1,
          "network": {"nodes": [{"id": "a", "role": "phone"}]},
          "layers": {"idle": {"level": 3}}, "run": {"until": "1s"}})";
        auto s = core::loadScenarioText(text, "p.dais.json", {}, &r);
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        auto run = core::ScenarioRun::prepare(*s);
        QVERIFY(run.ok());
        const core::RunReport report = (*run)->run();
        QCOMPARE(report.status, core::RunStatus::Completed);
        QVERIFY(report.metric("idle.setups") != nullptr);
        QCOMPARE(report.layerVersions.at("idle"), std::string("2.1.0"));

        auto bad = core::loadScenarioText(
            R"({"format": "dais-scenario", "version": 1, "network": {}, "layers": {"idle": {"level": 12}}})",
            "p.dais.json", {}, &r);
        QVERIFY(!bad.ok());
        QCOMPARE(QString::fromStdString(bad.error().message),
                 "p.dais.json: /layers/idle/level: expected an integer in [0, 9], got 12");
    }

    void brokenPlugins_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("report");
        QTest::newRow("wrong API version")
            << "wrong_api"
            << QString(
                   "failed: was built for layer API %1, but this DAIS provides layer API %2: "
                   "rebuild the plugin against this version of DAIS")
                   .arg(DAIS_LAYER_API_VERSION + 1)
                   .arg(DAIS_LAYER_API_VERSION);
        QTest::newRow("no entry point")
            << "no_entry"
            << "failed: is not a DAIS layer plugin: it does not export dais_plugin_entry() "
               "(define it with the DAIS_PLUGIN macro of dais/core/plugin.h)";
        QTest::newRow("unresolved symbol")
            << "unresolved"
            << "failed: cannot be loaded: undefined symbol: dais_symbol_nobody_defines";
        QTest::newRow("registration throws")
            << "throws"
            << "failed: failed while registering its layers: out of coffee";
        QTest::newRow("invalid descriptor")
            << "invalid"
            << "failed: plugin sloppy 1.0.0: layer \"sloppy\" from " +
                   QString::fromStdString(plugin("invalid")) +
                   " is invalid:\n  layer \"sloppy\": the summary is empty\n  layer \"sloppy\": "
                   "parameter "
                   "\"rate\": the default is invalid: expected a number in [0, 1], got 5";
    }
    void brokenPlugins() {
        QFETCH(QString, name);
        QFETCH(QString, report);
        core::LayerRegistry r;
        QCOMPARE(reportOf(r, plugin(name.toUtf8().constData())), report);
        QVERIFY(r.ids().empty());
    }

    void notLibraries() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string garbage = dir.filePath("garbage.so").toStdString();
        {
            QFile f(QString::fromStdString(garbage));
            QVERIFY(f.open(QIODevice::WriteOnly));
            // Longer than an ELF header, so the loader reads it and finds no ELF magic.
            f.write(QByteArray(4096, 'x'));
        }
        core::LayerRegistry r;
        QCOMPARE(reportOf(r, garbage), "failed: cannot be loaded: invalid ELF header");
        QCOMPARE(reportOf(r, dir.filePath("missing.so").toStdString()), "failed: no such file");
        QCOMPARE(reportOf(r, dir.path().toStdString()),
                 "failed: is a directory, not a plugin library");
    }

    void folderLoadsTheGoodOnesAndReportsTheRest() {
        core::LayerRegistry r;
        const auto reports = r.loadFolder(DAIS_TEST_PLUGIN_DIR);
        QCOMPARE(reports.size(), std::size_t(6));
        int ok = 0;
        for (const auto& rep : reports) {
            ok += rep.ok ? 1 : 0;
            QVERIFY(!rep.message.empty());
        }
        QCOMPARE(ok, 1);
        QCOMPARE(r.ids(), std::vector<std::string>{"idle"});
        QCOMPARE(r.loadReports().size(), std::size_t(6));
        // A second copy of the same layer is refused and the first stays.
        const auto again = r.loadPlugin(plugin("good"));
        QVERIFY(!again.ok);
        QVERIFY2(QString::fromStdString(again.message)
                     .contains("is ignored: it is already installed from"),
                 again.message.c_str());
        QVERIFY(r.loadFolder("/nonexistent/folder").empty());
    }

    void pluginPathComesFirst() {
        qputenv("DAIS_PLUGIN_PATH", QByteArray("/opt/a::/opt/b"));
        const std::vector<std::string> folders = core::LayerRegistry::pluginFolders();
        qunsetenv("DAIS_PLUGIN_PATH");
        QVERIFY(folders.size() >= 3);
        QCOMPARE(folders[0], std::string("/opt/a"));
        QCOMPARE(folders[1], std::string("/opt/b"));
        // Then the folder beside libdais_core: lib/dais/plugins of the build tree.
        QCOMPARE(QDir(QString::fromStdString(folders[2])).canonicalPath(),
                 QDir(DAIS_PLUGIN_OUTPUT_DIR).canonicalPath());
    }
};

QTEST_GUILESS_MAIN(TestLayerRegistry)
#include "tst_layer_registry.moc"
