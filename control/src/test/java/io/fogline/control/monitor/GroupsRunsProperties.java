package io.fogline.control.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class GroupsRunsProperties {

    private record Item(String key, int value) {}

    @Property
    void aSortedStreamIsHandedOnAsOneRunPerKeyHoldingEveryItemInOrder(
            @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 12) Integer> keys) {
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            items.add(new Item("device-" + keys.get(i), i));
        }
        items.sort((a, b) -> a.key().compareTo(b.key()));
        List<List<Item>> runs = new ArrayList<>();
        Groups.Runs<Item> byKey = new Groups.Runs<>(Item::key, runs::add);

        items.forEach(byKey);
        byKey.finish();

        Map<String, List<Item>> grouped =
                items.stream().collect(Collectors.groupingBy(Item::key, TreeMap::new, Collectors.toList()));
        assertThat(runs).containsExactlyElementsOf(grouped.values());
    }

    @Example
    void finishingTwiceHandsTheLastRunOnOnce() {
        List<List<Item>> runs = new ArrayList<>();
        Groups.Runs<Item> byKey = new Groups.Runs<>(Item::key, runs::add);

        byKey.accept(new Item("a", 1));
        byKey.accept(new Item("a", 2));
        byKey.accept(new Item("b", 3));
        byKey.finish();
        byKey.finish();

        assertThat(runs).containsExactly(List.of(new Item("a", 1), new Item("a", 2)), List.of(new Item("b", 3)));
    }
}
