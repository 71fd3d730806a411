@NullMarked
package dev.corral.engine;

import org.jspecify.annotations.NullMarked;
