@NullMarked
package dev.corral.tck;

import org.jspecify.annotations.NullMarked;
