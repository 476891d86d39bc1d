#pragma once
// The trace panel: from a decline in a federated run's accuracy back to the nodes that caused
// it, over the rounds the run's ledger recorded (core/anomaly_trace.h), as `dais runs trace`
// does for a stored run. It lists the rounds final on the ledger (their accuracy, how many
// updates went into them, whether the trace finds them in a decline). Select rounds to name
// them as the anomaly, or none to let the trace find the declines. It then says whom the trace
// names, on what evidence, in which rounds and with which update, or why it names nobody; the
// nodes it names are marked on the canvas, and picking one selects it there.
//
// It follows the run: the records a few times a second while the panel is on screen, the final
// ones when the run ends. A run without the ledger layer keeps no records, and the panel says so.

#include <QPointer>
#include <QString>
#include <QWidget>

#include <cstdint>
#include <memory>
#include <vector>

#include "dais/core/anomaly_trace.h"
#include "dais/core/round_audit.h"
#include "dais/core/runner.h"

class QLabel;
class QPushButton;
class QStackedWidget;
class QTableWidget;

namespace dais::studio {

class RunController;
struct NetworkStructure;

class TracePanel final : public QWidget {
    Q_OBJECT
  public:
    /// The table the ledger layer keeps its records in.
    static constexpr const char* kRecordsTable = "ledger.records";

    explicit TracePanel(QWidget* parent = nullptr);

    /// Follows a controller's runs: their network, their records while they go (while the panel
    /// is shown) and when they end.
    void attach(RunController* controller);
    /// A run of this network is about to start: nothing to trace yet.
    void setNetworkStructure(std::shared_ptr<const NetworkStructure> structure);
    std::shared_ptr<const NetworkStructure> networkStructure() const { return structure_; }
    /// The records as the run filled them: the rounds listed again, and traced again.
    void setRecords(std::shared_ptr<const core::InspectorTable> records);
    /// The latest snapshot: its records, if it carries them.
    void applySnapshot(const core::RunnerSnapshot& snapshot);
    /// The run ended: its final records, or none (the panel says the run kept none).
    void applyReport(const core::RunReport& report);

    /// Names these rounds as the anomaly (selects their rows); empty: the declines found.
    void nameRounds(const std::vector<std::uint64_t>& rounds);
    /// The rounds selected, in order.
    std::vector<std::uint64_t> namedRounds() const;
    /// The rounds final on the ledger, oldest first, one record per round.
    const std::vector<core::RoundAudit>& rounds() const { return rounds_; }
    /// What the trace found for the rounds named (or the declines).
    const core::TraceResult& result() const { return result_; }
    /// The nodes it names, as indices in the run's network, strongest evidence first.
    const std::vector<std::uint32_t>& suspectNodes() const { return suspectNodes_; }

    QTableWidget* roundsView() const { return roundsView_; }
    /// Two rows a suspect: its node, the rounds it joined and the digest of its first update;
    /// then the evidence, across the table.
    QTableWidget* suspectsView() const { return suspects_; }
    QLabel* summaryLabel() const { return summary_; }
    QLabel* notesLabel() const { return notes_; }
    QLabel* statusLabel() const { return status_; }
    /// What the panel says in place of the rounds when it has none to trace ("" when it has).
    QString message() const;

  signals:
    /// The user picked a suspect (to select it on the canvas).
    void nodeActivated(std::uint32_t node);
    /// The nodes the trace names changed (to mark them on the canvas); empty: nobody.
    void suspectsChanged(std::vector<std::uint32_t> nodes);

  protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

  private:
    /// Asks the run for its records while the panel is on screen and the run can have them.
    void follow();
    /// The rounds of `records_` read again; false when they are the same as before.
    bool readRounds();
    void showRounds();
    void retrace();
    void showResult();
    /// Selects a suspect's two rows, from the first.
    void selectSuspectRows(int row);
    /// The suspects' evidence rows as tall as their text.
    void fitEvidence();
    void showMessage(const QString& text);
    void showStatus();

    QPointer<RunController> controller_;
    std::shared_ptr<const NetworkStructure> structure_;
    bool recordsDeclared_ = false;  // the run's layers declare the records table
    bool ended_ = false;            // the run ended: its records are final
    std::shared_ptr<const core::InspectorTable> records_;
    std::vector<core::RoundAudit> rounds_;
    std::size_t unfinal_ = 0;
    QString error_;             // the records would not read
    core::TraceResult found_;   // the declines, for the rounds' list
    core::TraceResult result_;  // what is shown
    std::vector<std::uint32_t> suspectNodes_;
    bool filling_ = false;  // rows being filled: selection changes are not the user's

    QStackedWidget* stack_ = nullptr;
    QLabel* message_ = nullptr;
    QTableWidget* roundsView_ = nullptr;
    QPushButton* findDeclines_ = nullptr;
    QLabel* summary_ = nullptr;
    QTableWidget* suspects_ = nullptr;
    QLabel* notes_ = nullptr;
    QLabel* status_ = nullptr;
};

}  // namespace dais::studio
