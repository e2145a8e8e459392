"use strict";
// Ordered rows of a change form ("Go deeper" cards, a stage's practices): drag a row by its
// handle, or move it with its "Move up" and "Move down" buttons (the keyboard's way). Either way
// the position fields are numbered 1, 2, 3 ... in the order shown, and saving the form keeps
// it. The position fields stay editable, so a number can still be typed.
{
    const POSITION = "td.field-position input";

    // An inline's rows, or a list's (a changelist whose position column is editable).
    const rowsOf = (group) => [...group.querySelectorAll("tbody tr.form-row, #result_list tbody tr")]
        .filter((row) => !row.classList.contains("empty-form"));

    // A row counts once it is saved or something is filled in; a blank extra row stays blank,
    // so the form does not take it for a new item.
    function isUsed(row) {
        if (row.classList.contains("has_original")) {
            return true;
        }
        return [...row.querySelectorAll("input, select, textarea")].some((field) =>
            field.type !== "hidden" && field.type !== "checkbox" && field.value
            && !field.matches(POSITION));
    }

    function renumber(group) {
        if (group.id === "changelist-form") {
            // One page of a list: its own numbers, handed out again in the new order, so rows
            // on other pages keep their places.
            const inputs = rowsOf(group).map((row) => row.querySelector(POSITION));
            const numbers = inputs.map((input) => Number(input.value)).sort((a, b) => a - b);
            inputs.forEach((input, index) => {
                if (input.value !== String(numbers[index])) {
                    input.value = numbers[index];
                    input.dispatchEvent(new Event("change", {bubbles: true}));
                }
            });
            return;
        }
        let position = 0;
        for (const row of rowsOf(group)) {
            const input = row.querySelector(POSITION);
            if (input && isUsed(row)) {
                position += 1;
                input.value = position;
            }
        }
    }

    function announce(group, row) {
        const rows = rowsOf(group);
        group.querySelector(".ordering-status").textContent =
            `Moved to position ${rows.indexOf(row) + 1} of ${rows.length}.`;
    }

    function move(group, row, step) {
        const rows = rowsOf(group);
        const target = rows[rows.indexOf(row) + step];
        if (!target) {
            return;
        }
        const focused = document.activeElement;
        target.insertAdjacentElement(step < 0 ? "beforebegin" : "afterend", row);
        // Moving the row took the focus from its button: give it back, to press again.
        if (focused && row.contains(focused)) {
            focused.focus();
        }
        renumber(group);
        announce(group, row);
    }

    function button(text, label, onClick) {
        const element = document.createElement("button");
        element.type = "button";
        element.className = "ordering-move";
        element.textContent = text;
        element.setAttribute("aria-label", label);
        element.addEventListener("click", onClick);
        return element;
    }

    function controls(group, row) {
        const cell = row.querySelector("td.field-position");
        if (!cell || cell.querySelector(".ordering-controls")) {
            return;
        }
        const box = document.createElement("span");
        box.className = "ordering-controls";
        const handle = document.createElement("span");
        handle.className = "ordering-handle";
        handle.title = "Drag to move";
        handle.textContent = "⠿";
        handle.setAttribute("aria-hidden", "true");
        handle.addEventListener("mousedown", () => { row.draggable = true; });
        row.addEventListener("dragend", () => {
            row.draggable = false;
            row.classList.remove("ordering-dragged");
            renumber(group);
            announce(group, row);
        });
        row.addEventListener("dragstart", (event) => {
            group.dragged = row;
            row.classList.add("ordering-dragged");
            event.dataTransfer.effectAllowed = "move";
            event.dataTransfer.setData("text/plain", "");
        });
        row.addEventListener("dragover", (event) => {
            const dragged = group.dragged;
            if (!dragged || dragged === row) {
                return;
            }
            event.preventDefault();
            const box = row.getBoundingClientRect();
            const after = event.clientY > box.top + box.height / 2;
            row.insertAdjacentElement(after ? "afterend" : "beforebegin", dragged);
        });
        row.addEventListener("drop", (event) => { event.preventDefault(); });
        box.append(
            handle,
            button("↑", "Move up", () => move(group, row, -1)),
            button("↓", "Move down", () => move(group, row, 1)),
        );
        cell.prepend(box);
    }

    function setUp(group) {
        if (!group.querySelector(".ordering-status")) {
            const status = document.createElement("p");
            status.className = "ordering-status visually-hidden";
            status.setAttribute("role", "status");
            group.prepend(status);
        }
        rowsOf(group).forEach((row) => controls(group, row));
    }

    // The inline's fieldset has the class "ordered" (catalog.admin.OrderedInline).
    const groupOf = (element) => {
        const group = element.closest(".inline-group");
        return group && group.querySelector("fieldset.ordered") ? group : null;
    };

    document.addEventListener("DOMContentLoaded", () => {
        // A list in its own order (not sorted by a column) with editable positions.
        const list = document.querySelector("#changelist-form");
        const sortedByColumn = new URLSearchParams(location.search).has("o");
        if (list && !sortedByColumn && list.querySelector(`#result_list ${POSITION}`)) {
            setUp(list);
        }
        document.querySelectorAll("fieldset.ordered").forEach((fieldset) => {
            const group = groupOf(fieldset);
            if (group) {
                setUp(group);
            }
        });
    });
    document.addEventListener("formset:added", (event) => {
        const group = groupOf(event.target);
        if (group) {
            setUp(group);
        }
    });
}
