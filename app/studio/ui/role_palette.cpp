#include "ui/role_palette.h"

#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QVBoxLayout>

#include "ui/network_canvas.h"
#include "ui/network_view.h"
#include "ui/role_icons.h"
#include "ui/scenario_editor.h"

namespace dais::studio {

namespace {

/// The palette's list: items carry their role; dragging one starts a drag of that role.
class PaletteList final : public QListWidget {
  public:
    explicit PaletteList(QWidget* parent) : QListWidget(parent) {
        setDragEnabled(true);
        setDragDropMode(QAbstractItemView::DragOnly);
        setIconSize(QSize(24, 24));
        setSelectionMode(QAbstractItemView::SingleSelection);
    }

  protected:
    QMimeData* mimeData(const QList<QListWidgetItem*>& items) const override {
        if (items.isEmpty()) return nullptr;
        auto* mime = new QMimeData;
        mime->setData(kRoleMimeType, items.front()->data(Qt::UserRole).toString().toUtf8());
        return mime;
    }
    QStringList mimeTypes() const override { return {kRoleMimeType}; }
};

}  // namespace

RolePalette::RolePalette(NetworkCanvas* canvas, QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* hint = new QLabel(QObject::tr("Drag onto the canvas, or click and then click the "
                                        "canvas. Shift-click places several."),
                            this);
    hint->setWordWrap(true);
    hint->setStyleSheet("color: palette(mid)");
    layout->addWidget(hint);
    auto* list = new PaletteList(this);
    list->setObjectName("paletteList");
    for (const PaletteRole& r : paletteRoles()) {
        auto* item = new QListWidgetItem(roleListIcon(r.role), r.label, list);
        item->setData(Qt::UserRole, r.role);
        item->setToolTip(QObject::tr("A node with role \"%1\"").arg(r.role));
    }
    for (const PaletteRole& r : paletteRoles()) {
        if (r.role == "server" || r.role == "router" || r.role == "aggregator") continue;
        auto* item = new QListWidgetItem(roleListIcon(r.role),
                                         QObject::tr("Group of %1s").arg(r.label.toLower()), list);
        item->setData(Qt::UserRole, "group:" + r.role);
        item->setToolTip(
            QObject::tr("%1 nodes with role \"%2\", drawn as one item (double-click it to "
                        "expand)")
                .arg(ScenarioEditor::kNewGroupCount)
                .arg(r.role));
    }
    layout->addWidget(list);
    QObject::connect(list, &QListWidget::itemClicked, canvas, [canvas](QListWidgetItem* item) {
        QString role = item->data(Qt::UserRole).toString();
        const bool group = role.startsWith("group:");
        canvas->setTool(NetworkCanvas::Tool::Place, group ? role.mid(6) : role, group);
        canvas->view()->setFocus();
    });
    QObject::connect(canvas, &NetworkCanvas::toolChanged, list, [list](NetworkCanvas::Tool t) {
        if (t != NetworkCanvas::Tool::Place) list->clearSelection();
    });
}

}  // namespace dais::studio
