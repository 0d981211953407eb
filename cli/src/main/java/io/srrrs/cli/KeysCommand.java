package io.srrrs.cli;

import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * The KEKs of the local keystore ({@code kms.type=local}). A running topology and client see
 * changes at their next KMS call: the keystore is re-read when the file changes.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = {"Manage the KEKs of the local KMS keystore (kms.type=local).",
                "Disabling a KEK is crypto-shredding: objects under it no longer decrypt once readers' unwrap",
                "caches expire (kms.unwrap.cache.ttl.ms); enable brings them back. destroy deletes every version",
                "for good: nothing brings those objects back."},
        subcommands = {KeysCommand.ListKeys.class, KeysCommand.Create.class, KeysCommand.Rotate.class,
                KeysCommand.Disable.class, KeysCommand.Enable.class, KeysCommand.Destroy.class})
final class KeysCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static LocalKeystoreKms open(SrrrsCommand.Common common) {
        Map<String, String> kms = common.config().topology().kmsConfig();
        if (!"local".equals(kms.getOrDefault(KmsConfig.TYPE, "local"))) {
            throw new CliException("keys manages the local keystore; this configuration uses kms.type="
                    + kms.get(KmsConfig.TYPE) + " (manage those keys in that KMS)");
        }
        return LocalKeystoreKms.openOrCreate(Path.of(KmsConfig.required(kms, "kms.local.keystore")),
                KmsConfig.secret(kms, "kms.local.password"));
    }

    static void print(LocalKeystoreKms.KekInfo k) {
        System.out.printf("%-24s v%-3d %-8s versions %s%s%n", k.name(), k.primaryVersion(), k.state(), k.versions(),
                k.aliases().isEmpty() ? "" : "  aliases " + k.aliases());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the KEKs: name, primary version, state.")
    static final class ListKeys implements Callable<Integer> {
        @Mixin
        SrrrsCommand.Common common;

        @Override
        public Integer call() throws Exception {
            try (LocalKeystoreKms kms = open(common)) {
                kms.listKeks().forEach(KeysCommand::print);
            }
            return 0;
        }
    }

    /** The subcommands that change one KEK and print what it is now. */
    abstract static class KekChange implements Callable<Integer> {
        @Mixin
        SrrrsCommand.Common common;
        @Parameters(paramLabel = "NAME")
        String name;

        abstract LocalKeystoreKms.KekInfo apply(LocalKeystoreKms kms, String name) throws Exception;

        @Override
        public Integer call() throws Exception {
            try (LocalKeystoreKms kms = open(common)) {
                print(apply(kms, name));
            }
            return 0;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a KEK (a fresh AES-256 key, version 1).")
    static final class Create extends KekChange {
        @Override
        LocalKeystoreKms.KekInfo apply(LocalKeystoreKms kms, String name) throws Exception {
            return kms.createKek(name);
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Add a new version and make it primary; objects under older versions still decrypt.")
    static final class Rotate extends KekChange {
        @Override
        LocalKeystoreKms.KekInfo apply(LocalKeystoreKms kms, String name) throws Exception {
            return kms.rotate(name);
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = "Disable a KEK: no new DEKs, no unwrap (crypto-shredding, reversible with enable).")
    static final class Disable extends KekChange {
        @Override
        LocalKeystoreKms.KekInfo apply(LocalKeystoreKms kms, String name) throws Exception {
            return kms.disable(name);
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a disabled KEK again.")
    static final class Enable extends KekChange {
        @Override
        LocalKeystoreKms.KekInfo apply(LocalKeystoreKms kms, String name) throws Exception {
            return kms.enable(name);
        }
    }

    @Command(name = "destroy", mixinStandardHelpOptions = true,
            description = {"Delete every version of a KEK from the keystore: every object under it is unreadable for good",
                    "(crypto-shredding that cannot be undone). Needs --yes."})
    static final class Destroy implements Callable<Integer> {
        @Mixin
        SrrrsCommand.Common common;
        @Parameters(paramLabel = "NAME")
        String name;
        @picocli.CommandLine.Option(names = "--yes", description = "Confirm: the objects under NAME are lost.")
        boolean yes;

        @Override
        public Integer call() throws Exception {
            if (!yes) {
                throw new CliException("destroy " + name + " makes every object under it unreadable for good; add --yes "
                        + "(or use disable, which can be undone)");
            }
            try (LocalKeystoreKms kms = open(common)) {
                kms.destroy(name);
                System.out.println("destroyed " + name);
            }
            return 0;
        }
    }
}
