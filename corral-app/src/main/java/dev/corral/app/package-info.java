@NullMarked
package dev.corral.app;

import org.jspecify.annotations.NullMarked;
