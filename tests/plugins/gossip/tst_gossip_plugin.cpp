// The gossip layer as users get it: a plugin library in the build tree's lib/dais/plugins,
// loaded by a LayerRegistry through its versioned entry point, running a scenario. The same
// scenario run with the statically linked layer gives the same run, event for event.
#include <QtTest>

#include <string>

#include "gossip_test_util.h"

using namespace dais;
using namespace gossiptest;

class TestGossipPlugin : public QObject {
    Q_OBJECT

  private slots:
    void loadsFromThePluginFolder() {
        core::LayerRegistry plugins;
        const auto reports = plugins.loadFolder(DAIS_PLUGIN_OUTPUT_DIR);
        const core::LayerRegistry::LoadReport* gossip = nullptr;
        for (const auto& report : reports)
            if (report.file.ends_with("/gossip.so")) gossip = &report;
        QVERIFY2(gossip, "no gossip.so in " DAIS_PLUGIN_OUTPUT_DIR);
        QVERIFY2(gossip->ok, gossip->message.c_str());
        QCOMPARE(gossip->message, std::string("plugin gossip 1.0.0"));
        QCOMPARE(gossip->layers, std::vector<std::string>{"gossip"});

        const core::LayerFactory* factory = plugins.find("gossip");
        QVERIFY(factory);
        QCOMPARE(plugins.originOf("gossip"), gossip->file);
        QCOMPARE(factory->descriptor.version, std::string("1.0.0"));
        QCOMPARE(factory->descriptor.params.size(),
                 registry().find("gossip")->descriptor.params.size());

        const nlohmann::json doc = starScenario(300, {{"role", "peer"},
                                                      {"fanout", 3},
                                                      {"mode", "mongering"},
                                                      {"rumour_rate", 50},
                                                      {"rumours", 20}});
        const core::RunReport fromPlugin = run(doc, sim::QueueKind::Ladder, 7, plugins);
        QCOMPARE(fromPlugin.layerVersions.at("gossip"), std::string("1.0.0"));
        QCOMPARE(metric(fromPlugin, "gossip.rumours.finished").value, 20.0);
        QVERIFY(metric(fromPlugin, "gossip.coverage").mean > 0.9);

        const core::RunReport linked = run(doc, sim::QueueKind::Ladder, 7);
        QCOMPARE(fromPlugin.fingerprint, linked.fingerprint);
        QCOMPARE(fromPlugin.events, linked.events);
        QCOMPARE(metric(fromPlugin, "gossip.coverage").mean,
                 metric(linked, "gossip.coverage").mean);
    }
};

QTEST_APPLESS_MAIN(TestGossipPlugin)
#include "tst_gossip_plugin.moc"
