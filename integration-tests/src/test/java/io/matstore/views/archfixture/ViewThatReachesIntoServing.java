package io.matstore.views.archfixture;

import io.matstore.serving.ServingNode;

/** A deliberate violation for {@code ModuleBoundariesTest}: a view class that depends on the serving node. */
public final class ViewThatReachesIntoServing {
    private ViewThatReachesIntoServing() {}

    /** The serving node's class: a view has no business with it. */
    public static Class<?> node() {
        return ServingNode.class;
    }
}
