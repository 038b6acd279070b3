package io.outrigger.xds.snapshot;

import java.util.List;
import java.util.Objects;

/** Headers added ({@code *_headers_to_add}) and removed ({@code *_headers_to_remove}) at one level. */
public record HeaderMutationSpec(List<HeaderValueSpec> add, List<String> remove) {
    public static final HeaderMutationSpec NONE = new HeaderMutationSpec(List.of(), List.of());

    public HeaderMutationSpec {
        add = List.copyOf(add);
        remove = List.copyOf(remove);
    }

    public boolean isEmpty() {
        return add.isEmpty() && remove.isEmpty();
    }

    /**
     * {@code core.v3.HeaderValueOption}.
     *
     * @param name lower case
     */
    public record HeaderValueSpec(String name, String value, AppendAction action) {
        public HeaderValueSpec {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(action, "action");
        }
    }

    /** {@code HeaderValueOption.HeaderAppendAction} (the legacy {@code append: false} is OVERWRITE_IF_EXISTS_OR_ADD). */
    public enum AppendAction { APPEND_IF_EXISTS_OR_ADD, ADD_IF_ABSENT, OVERWRITE_IF_EXISTS_OR_ADD, OVERWRITE_IF_EXISTS }
}
