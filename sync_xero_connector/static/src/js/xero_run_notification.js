/** @odoo-module */
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
// The toast of a Xero run: one line per object, and a button opening the runs it started.
import { markup } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { htmlJoin } from "@web/core/utils/html";

function xeroRunNotification(env, action) {
    const params = action.params || {};
    const lines = params.lines || [params.message || ""];
    const buttons = [];
    let close = () => {};
    if (params.runs_action) {
        buttons.push({
            name: params.button,
            icon: "fa-list",
            primary: true,
            onClick: () => {
                close();
                env.services.action.doAction(params.runs_action);
            },
        });
    }
    close = env.services.notification.add(htmlJoin(lines, markup`<br/>`), {
        title: params.title,
        type: params.type || "info",
        sticky: params.sticky || false,
        buttons,
    });
    return params.next;
}

registry.category("actions").add("xero_run_notification", xeroRunNotification);

// The end of a background run (xero.sync.request): the same toast, sent over the bus to the
// user who asked for it.
export const xeroRunDoneService = {
    dependencies: ["bus_service", "notification", "action"],
    start(env, { bus_service }) {
        bus_service.subscribe("sync_xero_connector/run_done", (params) => {
            xeroRunNotification(env, { params });
        });
        bus_service.start();
    },
};

registry.category("services").add("xero_run_done", xeroRunDoneService);
