#pragma once
// The rules of editing a scenario's network, as undoable edits of its ScenarioDocument: what a
// new node, group or link holds, what deleting a node takes with it, where a moved item's
// position is kept. The canvas decides what the user meant; this decides what the document
// becomes. No widget code: it can be driven, and tested, without a canvas.
//
// Positions are the scenario's own (x east, y north, in km). A node the scenario places itself
// keeps its "position"; anything else the user places or moves gets a studio position, kept in
// the document's "ui" section ("ui": {"positions": {"<id>": [x, y]}}), which a run never reads.

#include <QCoreApplication>
#include <QPointF>
#include <QString>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dais/core/result.h"
#include "ui/scenario_document.h"

namespace dais::studio {

class ScenarioEditor {
    Q_DECLARE_TR_FUNCTIONS(dais::studio::ScenarioEditor)
  public:
    /// Members of a group placed from the palette.
    static constexpr int kNewGroupCount = 100;
    /// What a link drawn on the canvas starts with.
    static constexpr const char* kNewLinkLatency = "5ms";
    static constexpr const char* kNewLinkBandwidth = "1Gbps";

    explicit ScenarioEditor(ScenarioDocument* document) : doc_(document) {}

    // --- reading ---------------------------------------------------------------------------
    /// The pointer of the element with this id in /network/<section> ("nodes", "groups",
    /// "regions"), or "" when the document has none.
    std::string pointerOf(const char* section, const std::string& id) const;
    /// The id of the element at a pointer, or "" when there is none (or it is not a string).
    std::string idAt(const std::string& pointer) const;
    /// True when the document writes a node with this id and gives it a "position".
    bool hasPosition(const std::string& nodeId) const;
    /// The studio's position for an id, when the document keeps a well-formed one.
    std::optional<QPointF> studioPosition(const std::string& id) const;
    /// Where the studio's position for an id is kept.
    static std::string studioPositionPointer(const std::string& id);

    // --- edits, each one undoable step -----------------------------------------------------
    /// Adds a node of `role` ("" for none) with a fresh id at `position` (its own "position").
    /// Returns the id.
    std::string addNode(const QString& role, const QPointF& position);
    /// Adds a group of kNewGroupCount members of `role` with a fresh id: in the region with
    /// `regionId` when it is not empty (the run places its members), else at `position` as a
    /// studio position. Returns the id.
    std::string addGroup(const QString& role, const std::string& regionId, const QPointF& position);
    /// Links the nodes at two pointers (with kNewLinkLatency and kNewLinkBandwidth), or attaches
    /// the group at one of them to the node at the other. Two groups cannot be linked: refused
    /// with the reason. Pointers that do not name elements with ids change nothing.
    core::Result<void> link(const std::string& fromPointer, const std::string& toPointer);
    /// Removes the elements at these pointers (/network/<section>/<index>). What ends at a
    /// removed node goes with it: its links, the attachment of groups to it, and the studio
    /// positions of what is removed.
    void remove(const std::vector<std::string>& pointers);

    /// An element moved to a position.
    struct Move {
        std::string pointer;
        QPointF position;
    };
    /// Moves elements: a node with a "position" of its own gets the new one there, anything
    /// else as its studio position.
    void move(const std::vector<Move>& moves);
    /// Replaces every studio position with these (id, position), as one step named `text`.
    void replaceStudioPositions(const QString& text,
                                const std::vector<std::pair<std::string, QPointF>>& positions);

  private:
    ScenarioDocument* doc_;
};

}  // namespace dais::studio
