package dev.vaelab.zoo;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import dev.vaelab.zoo.model.ConditionalVae;
import dev.vaelab.zoo.model.GaussianVae;
import dev.vaelab.zoo.model.ModelFactory;
import dev.vaelab.zoo.network.ConvNetwork;
import dev.vaelab.zoo.network.Mlp;
import dev.vaelab.zoo.network.NetworkFactory;
import dev.vaelab.zoo.objective.BetaTcVaeObjective;
import dev.vaelab.zoo.objective.BetaVaeObjective;
import dev.vaelab.zoo.objective.ElboObjective;
import dev.vaelab.zoo.objective.IwaeObjective;
import dev.vaelab.zoo.objective.ObjectiveFactory;
import dev.vaelab.zoo.schedule.CapacitySchedule;
import dev.vaelab.zoo.schedule.ConstantSchedule;
import dev.vaelab.zoo.schedule.CyclicalSchedule;
import dev.vaelab.zoo.schedule.LinearSchedule;
import dev.vaelab.zoo.schedule.ScheduleFactory;
import dev.vaelab.zoo.schedule.SigmoidSchedule;

/** Binds the built-in models, networks, objectives and β schedules by their YAML types. */
public final class ZooModule extends AbstractModule {
    @Override
    protected void configure() {
        MapBinder<String, ModelFactory> models = MapBinder.newMapBinder(binder(), String.class, ModelFactory.class);
        models.addBinding(GaussianVae.VAE).to(GaussianVae.VaeFactory.class);
        // the β-VAE's architecture is the VAE's; the type stays for files that chose the objective by it
        models.addBinding(GaussianVae.BETA_VAE).to(GaussianVae.BetaVaeFactory.class);
        models.addBinding(ConditionalVae.TYPE).to(ConditionalVae.Factory.class);

        MapBinder<String, NetworkFactory> networks = MapBinder.newMapBinder(binder(), String.class, NetworkFactory.class);
        networks.addBinding(Mlp.TYPE).to(Mlp.Factory.class);
        networks.addBinding(ConvNetwork.TYPE).to(ConvNetwork.Factory.class);

        MapBinder<String, ObjectiveFactory> objectives = MapBinder.newMapBinder(binder(), String.class, ObjectiveFactory.class);
        objectives.addBinding(ElboObjective.TYPE).to(ElboObjective.Factory.class);
        objectives.addBinding(BetaVaeObjective.TYPE).to(BetaVaeObjective.Factory.class);
        objectives.addBinding(BetaTcVaeObjective.TYPE).to(BetaTcVaeObjective.Factory.class);
        objectives.addBinding(IwaeObjective.TYPE).to(IwaeObjective.Factory.class);

        MapBinder<String, ScheduleFactory> schedules = MapBinder.newMapBinder(binder(), String.class, ScheduleFactory.class);
        schedules.addBinding(ConstantSchedule.TYPE).to(ConstantSchedule.Factory.class);
        schedules.addBinding(LinearSchedule.TYPE).to(LinearSchedule.Factory.class);
        schedules.addBinding(CyclicalSchedule.TYPE).to(CyclicalSchedule.Factory.class);
        schedules.addBinding(SigmoidSchedule.TYPE).to(SigmoidSchedule.Factory.class);
        schedules.addBinding(CapacitySchedule.TYPE).to(CapacitySchedule.Factory.class);
    }
}
