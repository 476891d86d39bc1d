// The event queues against a reference (a std::set in (time, seq) order), over many operation
// mixes, and PHOLD run through the kernel under each queue.

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "dais/sim/heap_queue.h"
#include "dais/sim/ladder_queue.h"
#include "dais/sim/phold.h"

using namespace dais::sim;

namespace {

// A small type-erasing wrapper, so that one data-driven test covers every queue.
class AnyQueue {
  public:
    virtual ~AnyQueue() = default;
    virtual void push(const Event& e) = 0;
    virtual const Event& top() const = 0;
    virtual const Event* peekNext() const = 0;
    virtual void pop() = 0;
    virtual void replaceTop(const Event& e) = 0;
    virtual std::size_t size() const = 0;
    virtual bool empty() const = 0;
    virtual void clear() = 0;
    virtual void reserve(std::size_t n) = 0;
    virtual std::size_t memoryBytes() const = 0;
};

// Every queue here also offers peekNext(), the prefetch hint (see heap_queue.h).
template <EventQueue Q>
class QueueOf final : public AnyQueue {
  public:
    void push(const Event& e) override { q_.push(e); }
    const Event& top() const override { return q_.top(); }
    const Event* peekNext() const override { return q_.peekNext(); }
    void pop() override { q_.pop(); }
    void replaceTop(const Event& e) override { q_.replaceTop(e); }
    std::size_t size() const override { return q_.size(); }
    bool empty() const override { return q_.empty(); }
    void clear() override { q_.clear(); }
    void reserve(std::size_t n) override { q_.reserve(n); }
    std::size_t memoryBytes() const override { return q_.memoryBytes(); }

  private:
    Q q_;
};

std::unique_ptr<AnyQueue> makeQueue(const QString& kind) {
    if (kind == "heap") return std::make_unique<QueueOf<HeapQueue>>();
    if (kind == "ladder") return std::make_unique<QueueOf<LadderQueue>>();
    if (kind == "dary2") return std::make_unique<QueueOf<DaryHeap<2>>>();
    if (kind == "dary4") return std::make_unique<QueueOf<DaryHeap<4>>>();
    if (kind == "dary8") return std::make_unique<QueueOf<DaryHeap<8>>>();
    return nullptr;
}

// The two kinds a run can choose, then the other heap layouts the header offers.
const char* const kKinds[] = {"heap", "ladder", "dary2", "dary4", "dary8"};

struct ByTimeSeq {
    bool operator()(const Event& a, const Event& b) const { return runsBefore(a, b); }
};

bool sameEvent(const Event& a, const Event& b) {
    return a.time == b.time && a.seq == b.seq && a.target == b.target && a.kind == b.kind &&
           a.aux == b.aux && a.data == b.data;
}

// Drives a queue and the reference side by side and checks them after every operation.
class Differential {
  public:
    explicit Differential(AnyQueue& q) : q_(q) {}

    Event make(SimTime t) {
        const std::uint64_t s = nextSeq_++;
        return Event{t,
                     s,
                     static_cast<TargetId>(s * 2654435761u),
                     static_cast<KindId>(s % 7),
                     static_cast<std::uint16_t>(s % 65521),
                     s * 0x9e3779b97f4a7c15ULL};
    }
    void push(SimTime t) {
        const Event e = make(t);
        q_.push(e);
        ref_.insert(e);
        check();
    }
    void pop() {
        if (ref_.empty()) return;
        lastPopped_ = ref_.begin()->time;
        ref_.erase(ref_.begin());
        q_.pop();
        check();
    }
    void replaceTop(SimTime t) {
        if (ref_.empty()) return push(t);
        lastPopped_ = ref_.begin()->time;
        ref_.erase(ref_.begin());
        const Event e = make(t);
        ref_.insert(e);
        q_.replaceTop(e);
        check();
    }
    void clear() {
        q_.clear();
        ref_.clear();
        check();
    }
    void drain() {
        while (!ref_.empty())
            pop();
    }
    /// The time of the last event taken out: pushes at or after it respect causality.
    SimTime now() const { return lastPopped_; }
    std::size_t size() const { return ref_.size(); }
    bool failed() const { return failed_; }
    const std::string& failure() const { return failure_; }

  private:
    void check() {
        if (failed_) return;
        if (q_.size() != ref_.size() || q_.empty() != ref_.empty()) {
            fail("size " + std::to_string(q_.size()) + ", expected " + std::to_string(ref_.size()));
        } else if (!ref_.empty() && !sameEvent(q_.top(), *ref_.begin())) {
            const Event& got = q_.top();
            const Event& want = *ref_.begin();
            fail("top (" + std::to_string(got.time) + ", " + std::to_string(got.seq) +
                 "), expected (" + std::to_string(want.time) + ", " + std::to_string(want.seq) +
                 ")");
        } else if (const Event* next = q_.peekNext(); next != nullptr) {
            // A hint may be absent, but when given it is the event after top().
            if (ref_.size() < 2 || !sameEvent(*next, *std::next(ref_.begin())))
                fail("peekNext() is not the second event (seq " + std::to_string(next->seq) + ")");
        }
    }
    void fail(const std::string& what) {
        failed_ = true;
        failure_ = "after " + std::to_string(nextSeq_ - 1) + " events: " + what;
    }

    AnyQueue& q_;
    std::set<Event, ByTimeSeq> ref_;
    std::uint64_t nextSeq_ = 1;
    SimTime lastPopped_ = 0;
    bool failed_ = false;
    std::string failure_;
};

using Rng = std::mt19937_64;

SimTime uniformIn(Rng& rng, SimTime lo, SimTime hi) {  // [lo, hi]
    return std::uniform_int_distribution<SimTime>(lo, hi)(rng);
}

SimTime expDelay(Rng& rng, double mean) {
    return static_cast<SimTime>(std::exponential_distribution<double>(1.0 / mean)(rng));
}

// Operation mixes. Each keeps causality (pushes at or after the last pop) unless it says so.
void runPattern(const std::string& pattern, Differential& d, Rng& rng) {
    if (pattern == "phold-like") {
        // A steady population handled in time order, each handled event scheduling one more.
        for (int i = 0; i < 3000; ++i)
            d.push(kSecond / 10 + expDelay(rng, 1e9));
        for (int i = 0; i < 60000; ++i)
            d.replaceTop(d.now() + kSecond / 10 + expDelay(rng, 1e9));
        d.drain();
    } else if (pattern == "interleaved") {
        // Random push / pop / replaceTop with the size drifting up and down.
        for (int i = 0; i < 60000; ++i) {
            const int op = static_cast<int>(rng() % 10);
            const SimTime t = d.now() + expDelay(rng, op < 5 ? 1e6 : 1e3);
            if (op < 4 || d.size() == 0)
                d.push(t);
            else if (op < 7)
                d.pop();
            else
                d.replaceTop(t);
        }
        d.drain();
    } else if (pattern == "equal-times") {
        // Thousands at one time (order by seq only), then a few more times, some repeated.
        for (int i = 0; i < 5000; ++i)
            d.push(1000);
        for (int i = 0; i < 2500; ++i)
            d.pop();
        for (int i = 0; i < 3000; ++i)
            d.push(d.now() + static_cast<SimTime>(rng() % 3));
        for (int i = 0; i < 20000; ++i)
            d.replaceTop(d.now() + static_cast<SimTime>(rng() % 2));
        d.drain();
    } else if (pattern == "bursts") {
        // Dense bursts in tiny windows over a sparse background, and bursts at the current time.
        for (int i = 0; i < 2000; ++i)
            d.push(uniformIn(rng, 0, 1'000'000'000));
        for (int round = 0; round < 6; ++round) {
            const SimTime at = d.now() + uniformIn(rng, 0, 50'000'000);
            for (int i = 0; i < 6000; ++i)
                d.push(at + uniformIn(rng, 0, 100));
            for (int i = 0; i < 3000; ++i)
                d.push(d.now() + uniformIn(rng, 0, 2));
            for (int i = 0; i < 7000; ++i)
                d.pop();
        }
        d.drain();
    } else if (pattern == "far-future") {
        // Near events mixed with ones up to ~300 years ahead, so rungs span very different widths.
        for (int i = 0; i < 20000; ++i) {
            const int op = static_cast<int>(rng() % 8);
            const SimTime far = op == 0 ? uniformIn(rng, 0, SimTime{1} << 62) : expDelay(rng, 1e4);
            if (op < 5 || d.size() == 0)
                d.push(d.now() + far);
            else if (op < 7)
                d.pop();
            else
                d.replaceTop(d.now() + far);
        }
        d.drain();
    } else if (pattern == "time-zero") {
        // Everything at time 0, including pushes after pops.
        for (int i = 0; i < 3000; ++i)
            d.push(0);
        for (int i = 0; i < 10000; ++i) {
            if (rng() % 2)
                d.replaceTop(0);
            else
                d.pop(), d.push(0);
        }
        d.drain();
    } else if (pattern == "near-never") {
        // Times in the last few thousand nanoseconds before kTimeNever, and kTimeNever itself.
        for (int i = 0; i < 3000; ++i)
            d.push(kTimeNever - uniformIn(rng, 0, 5000));
        for (int i = 0; i < 8000; ++i) {
            const SimTime t = d.now() + uniformIn(rng, 0, kTimeNever - d.now());
            if (rng() % 3 == 0)
                d.push(t);
            else
                d.replaceTop(t);
        }
        for (int i = 0; i < 200; ++i)
            d.push(kTimeNever);
        d.drain();
    } else if (pattern == "full-range") {
        // Times spread over the whole non-negative range at once.
        for (int i = 0; i < 5000; ++i)
            d.push(uniformIn(rng, 0, kTimeNever));
        for (int i = 0; i < 5000; ++i)
            d.replaceTop(uniformIn(rng, d.now(), kTimeNever));
        d.drain();
    } else if (pattern == "drain-and-reuse") {
        // Empty the queue completely many times, and clear() it with events inside.
        for (int round = 0; round < 40; ++round) {
            const int n = 1 + static_cast<int>(rng() % 3000);
            for (int i = 0; i < n; ++i)
                d.push(d.now() + expDelay(rng, 1e5));
            if (round % 5 == 4) {
                d.clear();
                continue;
            }
            const int k = static_cast<int>(rng() % static_cast<std::uint64_t>(n + 1));
            for (int i = 0; i < k; ++i)
                d.replaceTop(d.now() + expDelay(rng, 1e5));
            d.drain();
        }
    } else if (pattern == "earlier-than-popped") {
        // Not something the kernel does (it keeps causality), but the queues stay exact anyway.
        for (int i = 0; i < 3000; ++i)
            d.push(uniformIn(rng, 0, 1'000'000));
        for (int i = 0; i < 30000; ++i) {
            const SimTime t = uniformIn(rng, 0, d.now() + 1'000'000);
            if (rng() % 2)
                d.replaceTop(t);
            else
                d.pop(), d.push(t);
        }
        d.drain();
    } else {
        QFAIL(("unknown pattern " + pattern).c_str());
    }
}

const char* const kPatterns[] = {
    "phold-like", "interleaved", "equal-times", "bursts",          "far-future",
    "time-zero",  "near-never",  "full-range",  "drain-and-reuse", "earlier-than-popped"};

// PHOLD's expected event count, with the renewal-theory correction (see pholdEventCount).
struct Expectation {
    double naive;      // N * P * T / (mean + lookahead)
    double corrected;  // naive + N * P * (sigma^2 - mu^2) / (2 mu^2)
    double sd;         // sqrt(N * P * T * sigma^2 / mu^3)
};

Expectation expectation(const PholdConfig& c) {
    const double tokens = static_cast<double>(c.lps) * c.eventsPerLp;
    const double mu = static_cast<double>(c.mean + c.lookahead) * 1e-9;
    const double sigma2 = std::pow(static_cast<double>(c.mean) * 1e-9, 2);
    const double t = static_cast<double>(c.end) * 1e-9;
    return {Phold::expectedEvents(c), tokens * (t / mu + (sigma2 - mu * mu) / (2 * mu * mu)),
            std::sqrt(tokens * t * sigma2 / (mu * mu * mu))};
}

}  // namespace

class TstQueues : public QObject {
    Q_OBJECT

  private slots:
    void differential_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("pattern");
        for (const char* k : kKinds)
            for (const char* p : kPatterns)
                QTest::newRow((std::string(k) + "/" + p).c_str()) << QString(k) << QString(p);
    }
    void differential() {
        QFETCH(QString, kind);
        QFETCH(QString, pattern);
        auto q = makeQueue(kind);
        QVERIFY(q);
        Differential d(*q);
        Rng rng(0x5eed + qHash(pattern));
        runPattern(pattern.toStdString(), d, rng);
        QVERIFY2(!d.failed(), d.failure().c_str());
        QVERIFY(q->empty());
        QCOMPARE(q->size(), std::size_t{0});
        // The same queue object again after a clear(): nothing of the last run may leak through.
        q->clear();
        Differential again(*q);
        Rng rng2(0xfeed + qHash(pattern));
        runPattern(pattern.toStdString(), again, rng2);
        QVERIFY2(!again.failed(), again.failure().c_str());
    }

    void kinds_data() {
        QTest::addColumn<QString>("kind");
        for (const char* k : kKinds)
            QTest::newRow(k) << QString(k);
    }

    void stableOrderAtEqualTimes_data() { kinds_data(); }
    void stableOrderAtEqualTimes() {
        // Seqs pushed in shuffled order at a handful of times: out they come by (time, seq).
        QFETCH(QString, kind);
        auto q = makeQueue(kind);
        std::vector<std::uint64_t> seqs(20000);
        for (std::size_t i = 0; i < seqs.size(); ++i)
            seqs[i] = i + 1;
        Rng rng(7);
        std::shuffle(seqs.begin(), seqs.end(), rng);
        for (std::uint64_t s : seqs)
            q->push(Event{static_cast<SimTime>(s % 3) * 10, s, 0, 0, 0, 0});
        SimTime lastTime = -1;
        std::uint64_t lastSeq = 0;
        std::size_t n = 0;
        while (!q->empty()) {
            const Event e = q->top();
            QVERIFY(e.time > lastTime || (e.time == lastTime && e.seq > lastSeq));
            lastTime = e.time;
            lastSeq = e.seq;
            q->pop();
            ++n;
        }
        QCOMPARE(n, seqs.size());
    }

    void sizeEmptyClear_data() { kinds_data(); }
    void sizeEmptyClear() {
        QFETCH(QString, kind);
        auto q = makeQueue(kind);
        QVERIFY(q->empty());
        QCOMPARE(q->size(), std::size_t{0});
        q->push(Event{5, 1, 0, 0, 0, 0});
        QVERIFY(!q->empty());
        QCOMPARE(q->size(), std::size_t{1});
        QCOMPARE(q->top().seq, std::uint64_t{1});
        q->replaceTop(Event{6, 2, 0, 0, 0, 0});
        QCOMPARE(q->size(), std::size_t{1});
        QCOMPARE(q->top().seq, std::uint64_t{2});
        q->pop();
        QVERIFY(q->empty());
        for (std::uint64_t s = 1; s <= 1000; ++s)
            q->push(Event{static_cast<SimTime>(s * 7919 % 1000), s, 0, 0, 0, 0});
        QCOMPARE(q->size(), std::size_t{1000});
        const std::size_t bytes = q->memoryBytes();
        q->clear();
        QVERIFY(q->empty());
        QCOMPARE(q->size(), std::size_t{0});
        QVERIFY(q->memoryBytes() <= bytes);  // clear() keeps (or frees) memory, never grows it
        q->push(Event{3, 2000, 0, 0, 0, 0});
        QCOMPARE(q->top().time, SimTime{3});
        q->reserve(5000);
        QCOMPARE(q->top().time, SimTime{3});
        QVERIFY(q->memoryBytes() >= 5000 * sizeof(Event));
    }

    void memoryPerPendingEvent_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("population");
        for (const char* k : kKinds) {
            for (int n : {1000, 100000, 400000})
                QTest::newRow((std::string(k) + "/" + std::to_string(n)).c_str())
                    << QString(k) << n;
        }
    }
    void memoryPerPendingEvent() {
        // A PHOLD-like steady population: every queue holds at least the 32-byte events and, at
        // populations where fixed overheads no longer count, at most 48 bytes per pending event.
        QFETCH(QString, kind);
        QFETCH(int, population);
        auto q = makeQueue(kind);
        Rng rng(11);
        std::uint64_t seq = 1;
        SimTime now = 0;
        for (int i = 0; i < population; ++i)
            q->push(Event{kSecond / 10 + expDelay(rng, 1e9), seq++, 0, 0, 0, 0});
        for (int i = 0; i < 2 * population; ++i) {
            now = q->top().time;
            q->replaceTop(Event{now + kSecond / 10 + expDelay(rng, 1e9), seq++, 0, 0, 0, 0});
        }
        const double perEvent = static_cast<double>(q->memoryBytes()) / population;
        qInfo("%s, %d pending: %.1f bytes per pending event", qPrintable(kind), population,
              perEvent);
        QVERIFY(perEvent >= sizeof(Event));
        const double bar = population >= 100000 ? 48.0 : 96.0;
        QVERIFY2(perEvent <= bar, qPrintable(QString("%1 bytes per pending event").arg(perEvent)));
    }

    void pholdSameUnderBothQueues_data() {
        QTest::addColumn<quint32>("lps");
        QTest::addColumn<quint32>("perLp");
        QTest::addColumn<qint64>("endSeconds");
        QTest::newRow("small N, long run") << 1000u << 1u << qint64{550};
        QTest::newRow("large N, short run") << 100000u << 1u << qint64{5};
        QTest::newRow("dense") << 500u << 20u << qint64{50};
    }
    void pholdSameUnderBothQueues() {
        QFETCH(quint32, lps);
        QFETCH(quint32, perLp);
        QFETCH(qint64, endSeconds);
        PholdConfig c;
        c.lps = lps;
        c.eventsPerLp = perLp;
        c.end = endSeconds * kSecond;
        c.seed = 42;
        c.queue = QueueKind::Heap;
        const PholdResult heap = runPhold(c);
        c.queue = QueueKind::Ladder;
        const PholdResult ladder = runPhold(c);
        const PholdResult ladderAgain = runPhold(c);
        QCOMPARE(ladder.events, heap.events);
        QCOMPARE(ladder.fingerprint, heap.fingerprint);
        QCOMPARE(ladderAgain.events, ladder.events);
        QCOMPARE(ladderAgain.fingerprint, ladder.fingerprint);
        // The population stays N * P throughout.
        QCOMPARE(heap.pendingAtEnd, std::size_t{lps} * perLp);
        QCOMPARE(ladder.pendingAtEnd, std::size_t{lps} * perLp);
        // Another seed is another run.
        c.seed = 43;
        const PholdResult other = runPhold(c);
        QVERIFY(other.fingerprint != ladder.fingerprint);
    }

    void pholdEventCount_data() { pholdSameUnderBothQueues_data(); }
    void pholdEventCount() {
        // Each of the K = N * P events in flight is one token whose successive times form a
        // renewal process with i.i.d. gaps X = lookahead + Exp(mean) (where it goes does not
        // matter to the count). For such a process E[N(T)] = T/mu + (sigma^2 - mu^2)/(2 mu^2)
        // + o(1) and Var[N(T)] ~ T sigma^2 / mu^3, with mu = 1.1 s and sigma = 1 s; over K
        // independent tokens the count is normal by the CLT. So the count must lie within 5
        // standard deviations (a correct engine fails this for about one seed in 1.7 million)
        // of K*T/mu - 0.0868 K. The naive N*P*T/(mean + lookahead) is K*0.0868 too high: a
        // bias that exceeds the tolerance for the large-N, short-run row, so it is checked
        // with the correction only as a whole, and the naive figure within the bias plus 5 sd.
        QFETCH(quint32, lps);
        QFETCH(quint32, perLp);
        QFETCH(qint64, endSeconds);
        PholdConfig c;
        c.lps = lps;
        c.eventsPerLp = perLp;
        c.end = endSeconds * kSecond;
        c.seed = 7;
        c.queue = QueueKind::Ladder;
        const PholdResult r = runPhold(c);
        const Expectation x = expectation(c);
        const double events = static_cast<double>(r.events);
        qInfo("%llu events; expected %.0f (naive %.0f), sd %.0f: %+.2f sd",
              static_cast<unsigned long long>(r.events), x.corrected, x.naive, x.sd,
              (events - x.corrected) / x.sd);
        QVERIFY(std::abs(events - x.corrected) <= 5 * x.sd);
        QVERIFY(std::abs(events - x.naive) <= (x.naive - x.corrected) + 5 * x.sd);
    }
};

QTEST_APPLESS_MAIN(TstQueues)
#include "tst_queues.moc"
