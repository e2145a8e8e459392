"use strict";
// The admin's change forms: no lost work, no wrong pick.
//
// 1. Leaving a changed form (another link, closing the tab) asks first; saving does not.
// 2. An autocomplete (select2) picks with Enter only from the results of what was typed. The
//    results come from the server: until they arrive, the list still shows those of the text
//    before (at first, every item), and select2 would pick its highlighted first option, so
//    typing "red" and Enter quickly tagged "Filter data". Enter then picks nothing; once the
//    matching results are shown, Enter picks the highlighted one as usual.
{
    const $ = django.jQuery;

    // 1. Unsaved changes.
    const changeForm = () => document.querySelector("#content-main form[id$='_form']");

    function formState(form) {
        const values = [];
        for (const [name, value] of new FormData(form)) {
            if (name !== "csrfmiddlewaretoken") {
                values.push([name, value instanceof File ? `${value.name}:${value.size}` : value]);
            }
        }
        return JSON.stringify(values);
    }

    let saved = null;
    let submitting = false;
    window.addEventListener("load", () => {
        const form = changeForm();
        if (!form) {
            return;
        }
        // After the admin's own scripts have filled in what they fill in on load.
        setTimeout(() => { saved = formState(form); }, 0);
        form.addEventListener("submit", () => { submitting = true; });
    });
    window.addEventListener("beforeunload", (event) => {
        const form = changeForm();
        if (!form || saved === null || submitting || formState(form) === saved) {
            return;
        }
        event.preventDefault();
        event.returnValue = "";  // older browsers need a value to ask
    });
    // A submit that does not leave (a blocked double submit) lets the question come back.
    window.addEventListener("pageshow", () => { submitting = false; });

    // 2. Enter in an autocomplete.
    $(document).on("select2:open", (event) => {
        const instance = $(event.target).data("select2");
        if (!instance || instance.safetyHubEnterGuard) {
            return;
        }
        instance.safetyHubEnterGuard = true;
        let shownTerm = null;
        instance.on("results:all", (params) => { shownTerm = params.query.term || ""; });
        instance.on("results:append", (params) => { shownTerm = params.query.term || ""; });
        $(event.target).on("select2:selecting", (selecting) => {
            const search = instance.$container.find(".select2-search__field").get(0)
                || instance.$dropdown.find(".select2-search__field").get(0);
            const typed = search ? search.value : "";
            if (shownTerm === null || typed !== shownTerm) {
                selecting.preventDefault();  // the list shown is not for what was typed
            }
        });
    });
}
