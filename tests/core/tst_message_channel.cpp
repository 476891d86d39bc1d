// Structured messages: records arrive whole and in order with their size on the wire, lost ones
// reach the loss handler, every record is destroyed exactly once (delivered, lost, or still in
// flight when the run ends) even when handlers send and the pool grows under them, a stray
// payload on the channel's port fails the run naming the channel, and the pool takes its
// memory from the run's budget.
#include <QtTest>

#include <string>
#include <vector>

#include "../simulator/network_test_util.h"
#include "dais/core/message_channel.h"
#include "dais/core/network_transport.h"

using namespace dais;
using namespace nettest;

namespace {

constexpr SimTime ms = 1'000'000;

/// A record with members that own memory, counting its live copies.
struct Note {
    static inline int live = 0;
    std::uint64_t seq = 0;
    std::string text;
    std::vector<int> hops;
    Note() { ++live; }
    Note(std::uint64_t s, std::string t) : seq(s), text(std::move(t)) { ++live; }
    Note(const Note& o) : seq(o.seq), text(o.text), hops(o.hops) { ++live; }
    Note(Note&& o) noexcept : seq(o.seq), text(std::move(o.text)), hops(std::move(o.hops)) {
        ++live;
    }
    Note& operator=(const Note&) = default;
    Note& operator=(Note&&) = default;
    ~Note() { --live; }
    std::uint64_t wireBytes() const { return 40 + text.size(); }
};

/// Three nodes in a line, A - B - C, 10 ms a link.
NetworkSpec line() {
    NetworkSpec s;
    s.nodes = {node("A"), node("B"), node("C")};
    s.links = {link("A", "B", props(10 * ms)), link("B", "C", props(10 * ms))};
    return s;
}

struct Listener {
    core::MessageChannel<Note> channel;
    std::vector<Note> got;
    std::vector<sim::Delivery> deliveries;
    std::vector<Note> lost;
    std::vector<LossReason> reasons;
    int echoes = 0;  // each delivery at C sends this many notes back to A
    static void onNote(void* self, const sim::Delivery& d, Note& n) {
        auto& l = *static_cast<Listener*>(self);
        l.deliveries.push_back(d);
        l.got.push_back(std::move(n));
        if (d.to == 2)
            for (int i = 0; i < l.echoes; ++i)
                l.channel.send(2, 0, Note(1000 + i, "echo"));
    }
    static void onLost(void* self, const sim::Loss& loss, Note& n) {
        auto& l = *static_cast<Listener*>(self);
        l.lost.push_back(std::move(n));
        l.reasons.push_back(loss.reason);
    }
};

}  // namespace

class TestMessageChannel : public QObject {
    Q_OBJECT

  private slots:
    void init() { Note::live = 0; }

    void recordsArriveWholeWithTheirSize() {
        Simulation sim({1, QueueKind::Heap});
        auto net = buildOk(sim, line());
        QVERIFY(net);
        Listener l;
        core::NetworkTransport wire81(*net);
        l.channel.open(wire81, "notes", &Listener::onNote, &l, &Listener::onLost);
        for (std::uint64_t i = 0; i < 100; ++i)
            QVERIFY(l.channel.send(0, 2, Note(i, "note " + std::to_string(i))) != 0);
        QCOMPARE(l.channel.inFlight(), std::size_t(100));
        l.channel.send(0, 2, 7, Note(100, "seven bytes"));  // an explicit size
        sim.run();
        QCOMPARE(l.got.size(), std::size_t(101));
        for (std::uint64_t i = 0; i < 100; ++i) {
            QCOMPARE(l.got[i].seq, i);
            QCOMPARE(l.got[i].text, "note " + std::to_string(i));
            QCOMPARE(l.deliveries[i].bytes, 40 + l.got[i].text.size());
            QCOMPARE(l.deliveries[i].hops, 2u);
        }
        QCOMPARE(l.deliveries[100].bytes, std::uint64_t(7));
        QCOMPARE(l.channel.inFlight(), std::size_t(0));
        QVERIFY(l.channel.capacity() <= 128);  // the pool grew to what was in flight at once
        QCOMPARE(l.channel.name(), std::string("notes"));
        QCOMPARE(net->portName(l.channel.port()), std::string_view("notes"));
    }

    void lostRecordsReachTheLossHandler() {
        Simulation sim({1, QueueKind::Heap});
        NetworkSpec s = line();
        FaultSpec crash;
        crash.kind = FaultSpec::Kind::Crash;
        crash.at = 5 * ms;
        crash.targets = {"B"};
        s.faults = {crash};
        auto net = buildOk(sim, s);
        Listener l;
        core::NetworkTransport wire111(*net);
        l.channel.open(wire111, "notes", &Listener::onNote, &l, &Listener::onLost);
        for (std::uint64_t i = 0; i < 10; ++i)
            l.channel.send(0, 2, Note(i, "x"));
        sim.run();
        QCOMPARE(l.got.size(), std::size_t(0));
        QCOMPARE(l.lost.size(), std::size_t(10));
        for (std::uint64_t i = 0; i < 10; ++i) {
            QCOMPARE(l.lost[i].seq, i);
            QCOMPARE(l.reasons[i], LossReason::NodeDown);
        }
        QCOMPARE(l.channel.inFlight(), std::size_t(0));
        // Without a loss handler the lost record is destroyed unseen.
        Simulation sim2({1, QueueKind::Heap});
        auto net2 = buildOk(sim2, s);
        {
            Listener quiet;
            core::NetworkTransport wire127(*net2);
            quiet.channel.open(wire127, "notes", &Listener::onNote, &quiet);
            quiet.channel.send(0, 2, Note(1, "lost"));
            sim2.run();
            QCOMPARE(quiet.channel.inFlight(), std::size_t(0));
        }
        QCOMPARE(Note::live, 10);  // the ten that l keeps
    }

    // Handlers that send on the channel while the pool grows under them; records delivered,
    // lost and still in flight at the horizon are each destroyed exactly once.
    void everyRecordIsDestroyedOnce_data() { addQueueColumn(); }
    void everyRecordIsDestroyedOnce() {
        QFETCH(QueueKind, queue);
        {
            Simulation sim({7, queue});
            NetworkSpec s = line();
            s.links[1].props = props(10 * ms, 1e9, 0.2);  // B - C loses a fifth
            auto net = buildOk(sim, s);
            Listener l;
            l.echoes = 3;
            core::NetworkTransport wire147(*net);
            l.channel.open(wire147, "notes", &Listener::onNote, &l, &Listener::onLost);
            for (std::uint64_t i = 0; i < 500; ++i)
                l.channel.send(0, 2, Note(i, std::string(100, 'n')));
            sim.runUntil(30 * ms);  // echoes are on their way back
            QVERIFY(l.channel.inFlight() > 0);
            QVERIFY(!l.lost.empty());
            QVERIFY(l.channel.capacity() >= 500);
            const int held = static_cast<int>(l.got.size() + l.lost.size());
            QCOMPARE(Note::live, held + static_cast<int>(l.channel.inFlight()));
        }
        QCOMPARE(Note::live, 0);
    }

    void strayPayloadFailsTheRun() {
        Simulation sim({1, QueueKind::Heap});
        auto net = buildOk(sim, line());
        Listener l;
        core::NetworkTransport wire164(*net);
        l.channel.open(wire164, "market.offer", &Listener::onNote, &l);
        net->send(0, 1, 100, l.channel.port(), 12345);
        try {
            sim.run();
            QFAIL("a stray payload was read as a record");
        } catch (const core::LayerError& e) {
            QCOMPARE(std::string(e.what()),
                     std::string("market.offer: a message arrived that the channel did not send "
                                 "(payload 12345)"));
        }
        // A handle used twice is stray the second time: the slot's generation moved on.
        Simulation sim2({1, QueueKind::Heap});
        auto net2 = buildOk(sim2, line());
        Listener twice;
        core::NetworkTransport wire178(*net2);
        twice.channel.open(wire178, "notes", &Listener::onNote, &twice);
        twice.channel.send(0, 1, Note(1, "once"));
        sim2.run();
        QCOMPARE(twice.deliveries.size(), std::size_t(1));
        net2->send(0, 1, 10, twice.channel.port(), twice.deliveries[0].payload);
        QVERIFY_THROWS_EXCEPTION(core::LayerError, sim2.run());
    }

    void poolTakesItsMemoryFromTheBudget() {
        Simulation sim({1, QueueKind::Heap});
        auto net = buildOk(sim, line());
        Listener l;
        core::NetworkTransport wire191(*net);
        l.channel.open(wire191, "notes", &Listener::onNote, &l);
        // Both pools grow once and empty again; then the channel, which takes its slot before
        // the network takes the message, is the first to outgrow what is left.
        for (int i = 0; i < 1000; ++i)
            l.channel.send(0, 2, Note(1, "x"));
        sim.run();
        sim.setMemoryBudget(sim.memoryTaken() + 16 * 1024);
        try {
            for (int i = 0; i < 100'000; ++i)
                l.channel.send(0, 2, Note(1, "x"));
            QFAIL("the pool grew past the budget");
        } catch (const sim::MemoryExhausted& e) {
            const std::string what = e.what();
            QVERIFY2(what.starts_with("notes: ") &&
                         what.find("messages in flight would hold") != std::string::npos,
                     what.c_str());
        }
    }
};

QTEST_APPLESS_MAIN(TestMessageChannel)
#include "tst_message_channel.moc"
