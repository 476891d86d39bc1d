// The rules of editing a scenario's network, on a document without a canvas: what a new node,
// group and link hold, when a link is refused, where a move is kept, and what deleting a node
// takes with it, each as one undoable step.

#include <QtTest>

#include "ui/scenario_document.h"
#include "ui/scenario_editor.h"

using namespace dais::studio;

class TestScenarioEditor : public QObject {
    Q_OBJECT

    /// A copy of /network (references into the document do not outlive an edit).
    static Json network(const ScenarioDocument& doc) { return doc.json()["network"]; }

  private slots:
    void newNodesAndGroups() {
        ScenarioDocument doc;
        ScenarioEditor editor(&doc);
        QCOMPARE(editor.addNode("server", QPointF(1.23456, -2)), std::string("server-1"));
        QCOMPARE(editor.addNode("", QPointF(0, 0)), std::string("node-1"));
        Json nodes = network(doc)["nodes"];
        QCOMPARE(nodes.size(), std::size_t(2));
        QCOMPARE(nodes[0]["role"].get<std::string>(), std::string("server"));
        // A node placed by hand keeps its own position, to the metre.
        QCOMPARE(nodes[0]["position"], Json::array({1.235, -2.0}));
        QVERIFY(!nodes[1].contains("role"));
        QVERIFY(editor.hasPosition("server-1"));

        // A group outside any region stands where it was put, as a studio position.
        const std::string g = editor.addGroup("phone", "", QPointF(5, 6));
        QCOMPARE(g, std::string("phone-1"));
        const Json group = network(doc)["groups"][0];
        QCOMPARE(group["count"].get<int>(), ScenarioEditor::kNewGroupCount);
        QCOMPARE(group["role"].get<std::string>(), std::string("phone"));
        QVERIFY(!group.contains("region"));
        QCOMPARE(editor.studioPosition(g), std::optional<QPointF>(QPointF(5, 6)));
        QCOMPARE(editor.pointerOf("groups", g), std::string("/network/groups/0"));
        // In a region, the run places its members: no studio position.
        const std::string r = editor.addGroup("phone", "north", QPointF(5, 6));
        QCOMPARE(network(doc)["groups"][1]["region"].get<std::string>(), std::string("north"));
        QVERIFY(!editor.studioPosition(r));
        QCOMPARE(doc.undoStack()->count(), 4);
    }

    void newLinkGetsTheDefaults() {
        ScenarioDocument doc;
        ScenarioEditor editor(&doc);
        editor.addNode("server", QPointF(0, 0));
        editor.addNode("hospital", QPointF(10, 0));
        QVERIFY(editor.link("/network/nodes/0", "/network/nodes/1"));
        const Json link = network(doc)["links"][0];
        QCOMPARE(link["from"].get<std::string>(), std::string("server-1"));
        QCOMPARE(link["to"].get<std::string>(), std::string("hospital-1"));
        QCOMPARE(link["latency"].get<std::string>(), std::string("5ms"));
        QCOMPARE(link["bandwidth"].get<std::string>(), std::string("1Gbps"));
        // Nothing to link: the same item twice, or a pointer without an element.
        QVERIFY(editor.link("/network/nodes/0", "/network/nodes/0"));
        QVERIFY(editor.link("/network/nodes/0", "/network/nodes/7"));
        QCOMPARE(network(doc)["links"].size(), std::size_t(1));
    }

    void groupsAttachToNodesOnly() {
        ScenarioDocument doc;
        ScenarioEditor editor(&doc);
        editor.addNode("server", QPointF(0, 0));
        editor.addGroup("phone", "", QPointF(1, 1));
        editor.addGroup("phone", "", QPointF(2, 2));
        const int steps = doc.undoStack()->count();
        const auto refused = editor.link("/network/groups/0", "/network/groups/1");
        QVERIFY(!refused);
        QVERIFY(QString::fromStdString(refused.error().message).contains("Two groups"));
        QCOMPARE(doc.undoStack()->count(), steps);
        // A group and a node: the group's members attach to the node, whichever end is which.
        QVERIFY(editor.link("/network/nodes/0", "/network/groups/1"));
        QCOMPARE(network(doc)["groups"][1]["attach"].get<std::string>(), std::string("server-1"));
        QVERIFY(!network(doc).contains("links"));
    }

    void deletingANodeTakesWhatEndsThere() {
        ScenarioDocument doc;
        ScenarioEditor editor(&doc);
        editor.addNode("server", QPointF(0, 0));
        editor.addNode("hospital", QPointF(10, 0));
        editor.addNode("hospital", QPointF(20, 0));
        QVERIFY(editor.link("/network/nodes/0", "/network/nodes/1"));
        QVERIFY(editor.link("/network/nodes/1", "/network/nodes/2"));
        const std::string g = editor.addGroup("phone", "", QPointF(1, 1));
        QVERIFY(editor.link("/network/groups/0", "/network/nodes/1"));
        const Json before = doc.json();
        const int steps = doc.undoStack()->count();

        editor.remove({"/network/nodes/1"});
        QCOMPARE(doc.undoStack()->count(), steps + 1);
        const Json net = network(doc);
        QCOMPARE(net["nodes"].size(), std::size_t(2));
        QCOMPARE(net["links"].size(), std::size_t(0));
        QVERIFY(!net["groups"][0].contains("attach"));
        QCOMPARE(doc.undoStack()->undoText(),
                 QStringLiteral("Delete 3 items"));  // the node, two links
        doc.undoStack()->undo();
        QCOMPARE(doc.json(), before);

        // A group goes with its studio position; several items at once keep their indexes.
        editor.remove({"/network/groups/0", "/network/nodes/0", "/network/nodes/2"});
        QVERIFY(!editor.studioPosition(g));
        QCOMPARE(network(doc)["nodes"].size(), std::size_t(1));
        QCOMPARE(network(doc)["nodes"][0]["id"].get<std::string>(), std::string("hospital-1"));
        QCOMPARE(network(doc)["groups"].size(), std::size_t(0));
        QCOMPARE(network(doc)["links"].size(), std::size_t(0));
    }

    void movesKeepPositionsWhereTheyBelong() {
        ScenarioDocument doc;
        ScenarioEditor editor(&doc);
        editor.addNode("server", QPointF(0, 0));
        const std::string g = editor.addGroup("phone", "", QPointF(1, 1));
        const int steps = doc.undoStack()->count();
        editor.move({{"/network/nodes/0", QPointF(3, 4)}, {"/network/groups/0", QPointF(-1, 2)}});
        QCOMPARE(doc.undoStack()->count(), steps + 1);
        QCOMPARE(network(doc)["nodes"][0]["position"], Json::array({3.0, 4.0}));
        QCOMPARE(editor.studioPosition(g), std::optional<QPointF>(QPointF(-1, 2)));
        QVERIFY(!editor.studioPosition("server-1"));

        // The automatic layout's positions replace every studio position in one step.
        editor.replaceStudioPositions("Automatic layout", {{"phone-1", QPointF(9, 9)}});
        QCOMPARE(doc.json()["ui"]["positions"], Json({{"phone-1", {9.0, 9.0}}}));
        doc.undoStack()->undo();
        QCOMPARE(editor.studioPosition(g), std::optional<QPointF>(QPointF(-1, 2)));
    }

    void studioPositionsOfAnyId() {
        QCOMPARE(ScenarioEditor::studioPositionPointer("a/b~c"),
                 std::string("/ui/positions/a~1b~0c"));
        ScenarioDocument doc;
        ScenarioEditor editor(&doc);
        // Written through the escaped pointer, read back under the id itself.
        doc.set("Place", ScenarioEditor::studioPositionPointer("a/b~c"), Json::array({1, 2}));
        QVERIFY(doc.json()["ui"]["positions"].contains("a/b~c"));
        QCOMPARE(editor.studioPosition("a/b~c"), std::optional<QPointF>(QPointF(1, 2)));
    }
};

QTEST_MAIN(TestScenarioEditor)
#include "tst_studio_scenario_editor.moc"
