/** @odoo-module */
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
// Invoicing > Xero > Dashboard: open the account's health, click through to an object's mismatches, open
// the entry and retry it (tests/test_health.py sets the scene).
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sync_xero_connector_health", {
    url: "/odoo",
    steps: () => [
        {
            content: "Invoicing's Xero menu opens the dashboard",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            trigger: ".o-dropdown-item[data-menu-xmlid='account.menu_finance']",
            run: "click",
        },
        {
            trigger: ".o_menu_sections [data-menu-xmlid='sync_xero_connector.xero_menu']",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='sync_xero_connector.xero_health_menu']",
            run: "click",
        },
        {
            content: "the account's card",
            trigger: ".o_kanban_record:contains('Health Tour Account')",
            run: "click",
        },
        {
            content: "contacts have an open mismatch: click through",
            trigger: ".o_data_row:contains('Contacts') button[name='action_view_mismatches']",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Refused Name Co') td.o_data_cell",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name='action_retry']",
            run: "click",
        },
        {
            content: "Xero accepted it",
            trigger: ".o_notification:contains('Resolved')",
        },
    ],
});
