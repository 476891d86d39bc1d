// The message sequence chart as a teacher uses it: a federated round of the hospitals scenario
// between the coordinator and three hospitals, one arrow per message labelled by its kind, the
// model going out and the updates coming back; nodes chosen by name, with unknown names named;
// and a log of 100,000 messages scrolled and zoomed without drawing more than is in view. Set
// DAIS_CANVAS_SNAPSHOTS to a folder to keep the PNGs the suite renders there.

#include <QtTest>

#include "window_test.h"

#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>

#include "run/message_log.h"
#include "run/run_controller.h"
#include "run/sequence_chart.h"
#include "ui/main_window.h"

using namespace dais;
using namespace dais::studio;

class TestSequenceChart : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

    void snapshot(QWidget* widget, const QString& name) {
        studiotest::snapshot(widget, dir_, name);
    }

  private slots:
    void initTestCase() { studiotest::useTemporaryStoreAndSettings(dir_); }

    void federatedRoundBetweenTheServerAndThreeClients() {
        MainWindow w;
        w.resize(1300, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(QFINDTESTDATA("../../../scenarios/hospitals.dais.json")));
        QSignalSpy finished(w.controller(), &RunController::finished);
        w.action("fast")->trigger();
        QVERIFY(finished.wait(60000));
        w.sequenceChartDock()->show();
        w.sequenceChartDock()->raise();
        SequenceChart* chart = w.sequenceChart();
        SequenceChartArea* area = chart->area();
        // Chosen by itself, from the first messages: the busiest node and its three busiest
        // peers, the hospitals that were heard from first.
        const QStringList chosen = chart->nodesEdit()->text().split(", ");
        QCOMPARE(chosen.size(), 4);
        QCOMPARE(chosen[0], QString("coordinator"));
        for (int i = 1; i < 4; ++i)
            QVERIFY2(chosen[i].startsWith("hospitals[") && chosen.count(chosen[i]) == 1,
                     qPrintable(chart->nodesEdit()->text()));
        QVERIFY(!area->rows().empty());

        // The first round from its start: the model out to each of the three, an update back
        // from each, in that order for every hospital.
        area->scrollToTime(0);
        QApplication::processEvents();
        const MessageLog* log = nullptr;
        for (MessageLog* l : w.findChildren<MessageLog*>())
            log = l;
        QVERIFY(log);
        int models = 0, updates = 0;
        std::map<std::uint32_t, sim::SimTime> modelArrived;
        for (std::size_t k = 0; k < area->rows().size() && (models < 3 || updates < 3); ++k) {
            const sim::MessageEnd& m = log->records()[area->rows()[k]];
            QVERIFY(m.delivered);
            const QString kind = log->portName(m.port);
            if (kind == "federated.model") {
                QCOMPARE(log->nodeName(m.from), QString("coordinator"));
                modelArrived[m.to] = m.endedAt;
                ++models;
            } else {
                QCOMPARE(kind, QString("federated.update"));
                QCOMPARE(log->nodeName(m.to), QString("coordinator"));
                QVERIFY(modelArrived.count(m.from));  // it trained the model it was sent
                QVERIFY(m.sentAt > modelArrived[m.from]);
                ++updates;
            }
        }
        QCOMPARE(models, 3);
        QCOMPARE(updates, 3);
        area->viewport()->repaint();
        QVERIFY(area->drawn().arrows >= 6);
        QVERIFY(area->drawn().labels >= 6);
        QCOMPARE(area->drawn().left, std::size_t{0});
        snapshot(chart, "sequence-chart.png");

        // A tooltip names the message under the pointer.
        area->viewport()->repaint();
        const sim::MessageEnd& first = log->records()[area->rows().front()];
        QCOMPARE(log->portName(first.port), QString("federated.model"));

        // Nodes by name; a name no node has is said.
        chart->nodesEdit()->setText("coordinator, hospitals[9], nobody");
        emit chart->nodesEdit()->editingFinished();
        QCOMPARE(area->nodes().size(), std::size_t{2});
        auto* status = chart->findChild<QLabel*>("sequenceStatus");
        QVERIFY(status);
        QVERIFY2(status->text().startsWith("no node named nobody"), qPrintable(status->text()));
        for (std::uint32_t r : area->rows()) {
            const sim::MessageEnd& m = log->records()[r];
            QVERIFY(log->nodeName(m.from) == "hospitals[9]" ||
                    log->nodeName(m.to) == "hospitals[9]");
        }
    }

    // 100,000 messages between four nodes: a paint finds what is in view by binary search and
    // draws only that; the whole log at once is drawn as one line per pixel row and pair of
    // nodes, so a paint stays bounded however many messages are in view.
    void hundredThousandMessagesStayResponsive() {
        auto structure = std::make_shared<NetworkStructure>();
        structure->nodes.resize(4);
        for (int i = 0; i < 4; ++i)
            structure->nodes[static_cast<std::size_t>(i)].id = "n" + std::to_string(i);
        structure->ports = {"ping", "pong"};
        MessageLog log;
        log.reset(structure);
        ActivityBatch batch;
        for (std::uint32_t i = 0; i < 100'000; ++i) {
            const sim::SimTime sent = sim::kMillisecond * i;
            batch.messages.push_back(sim::MessageEnd{i + 1, i % 4, (i + 1) % 4, i % 2, 100, sent,
                                                     sent + 3 * sim::kMillisecond, true});
        }
        log.append(batch);
        SequenceChart chart(&log);
        chart.resize(900, 600);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        SequenceChartArea* area = chart.area();
        // Chosen by itself: n0 and the two it talks to (n1, n3); then all four by name.
        QCOMPARE(chart.nodesEdit()->text(), QString("n0, n1, n3"));
        chart.chooseNames("n0, n1, n2, n3");
        QCOMPARE(area->nodes().size(), std::size_t{4});
        QCOMPARE(area->rows().size(), std::size_t{100'000});
        QElapsedTimer clock;
        clock.start();
        area->viewport()->repaint();
        const qint64 zoomed = clock.elapsed();
        QVERIFY(area->drawn().arrows > 0 && area->drawn().arrows < 1000);
        area->fitAll();
        clock.restart();
        area->viewport()->repaint();
        const qint64 whole = clock.elapsed();
        // Every message is shown; those on the same pixels share a line.
        QCOMPARE(area->drawn().arrows, std::size_t{100'000});
        QCOMPARE(area->drawn().left, std::size_t{0});
        QVERIFY(area->drawn().lines < 10'000);
        QCOMPARE(area->drawn().labels, std::size_t{0});
        area->scrollToTime(60);
        clock.restart();
        area->viewport()->repaint();
        qInfo("paint: %lld ms zoomed in, %lld ms the whole log, %lld ms scrolled", zoomed, whole,
              clock.elapsed());
    }
};

QTEST_MAIN(TestSequenceChart)
#include "tst_studio_sequence_chart.moc"
